package http_test

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	cataloghttp "catalog/http"
	"catalog/internal/testenv"
)

// chromium returns the Chromium to drive: CATALOG_CHROMIUM, or chromium on
// the PATH.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CATALOG_CHROMIUM"); p != "" {
		return p
	}
	p, err := exec.LookPath("chromium")
	if err != nil {
		testenv.Unavailable(t, "no chromium on the PATH (apt-get install chromium, or set CATALOG_CHROMIUM)")
	}
	return p
}

// TestBrowser drives the product browser in headless Chromium as a shopper
// would: pick a product from the list, switch style, pick a size and a
// quantity, add to cart, see the cart.
func TestBrowser(t *testing.T) {
	exe := chromium(t)
	h := newServerWith(t, "sqlite", writeFixtureCSV(t), cataloghttp.Config{Campus: "hr-rfp", Browser: true, Logger: quietLogger()})
	srv := httptest.NewServer(h)
	defer srv.Close()

	// The flags this machine's closed network needs (see the README).
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancelCtx := chromedp.NewContext(alloc)
	defer cancelCtx()
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	poll := func(expression string) chromedp.Action[chromedp.Void] {
		return chromedp.Poll[chromedp.Void](expression)
	}
	// pick sets a select's value as a shopper's choice does: with a change event.
	pick := func(sel, value string) chromedp.Action[chromedp.Void] {
		return chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector(` + quote(sel) + `); s.value = ` + quote(value) +
			`; s.dispatchEvent(new Event("change")); })()`)
	}

	step("open the page and the first product",
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#product-list a[href="#/products/1"]`)),
		chromedp.Click(chromedp.CSS(`#product-list a[href="#/products/1"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#style-name`)))
	if got := text("#product-name"); got != "Harbor Parka" {
		t.Fatalf("product name %q", got)
	}
	if got := text("#style-name"); got != "Forest Green & Black" {
		t.Fatalf("the default style: %q", got)
	}
	if got := text("#product-list"); !strings.Contains(got, "Nomad Cap") || !strings.Contains(got, "$140.00") {
		t.Errorf("the product list: %q", got)
	}
	if disabled, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("#next").disabled`)); err != nil || !disabled {
		t.Errorf("Next on the only page: disabled %v, %v; want disabled", disabled, err)
	}

	step("switch to the style on sale",
		chromedp.Click(chromedp.CSS(`.styles button:nth-child(2)`)),
		poll(`document.querySelector("#style-name").textContent === "Desert Tan"`))
	if got := text(".price s") + " " + text(".price .sale"); got != "$140.00 $100.00" {
		t.Errorf("sale price: %q, want the original struck through, then the sale price", got)
	}
	if got := text("#size"); got != "OUT OF STOCK" {
		t.Errorf("a style whose only SKU has none left: size %q, want OUT OF STOCK", got)
	}

	step("photos that fail to load, or have no URL, show the placeholder",
		poll(`document.querySelector("#main-photo").src.startsWith("data:image/svg")`),
		poll(`document.querySelector(".styles button:nth-child(3) img").src.startsWith("data:image/svg")`))

	step("back to the first style, pick a size and two, add to cart",
		chromedp.Click(chromedp.CSS(`.styles button:nth-child(1)`)),
		poll(`document.querySelector("#style-name").textContent === "Forest Green & Black"`),
		pick("#size", "10"),
		poll(`document.querySelectorAll("#quantity option").length === 3`), // sku 10 has 3 left
		pick("#quantity", "2"),
		chromedp.Click(chromedp.CSS(`#add-to-cart`)),
		poll(`document.querySelector("#cart-count").textContent === "2"`))
	if got := text("#cart"); !strings.Contains(got, "SKU 10") || !strings.Contains(got, "× 2") {
		t.Errorf("the cart: %q, want SKU 10 × 2", got)
	}

	step("the cart outlives a reload (the session cookie)",
		chromedp.Reload(),
		poll(`document.querySelector("#cart-count").textContent === "2"`))
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }
