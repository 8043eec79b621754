package http_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"catalog"
	"catalog/csv"
	cataloghttp "catalog/http"
	"catalog/internal/testenv"
	"catalog/storetest"
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

// browser is a headless Chromium tab on a test server of h, and the
// helpers the browser tests drive it with.
type browser struct {
	t   *testing.T
	ctx context.Context
	url string
}

// newBrowser starts Chromium and a test server of h, both stopped when
// the test ends; every step shares one minute.
func newBrowser(t *testing.T, h http.Handler) *browser {
	t.Helper()
	exe := chromium(t)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	// Flags for a machine whose network reaches little: no QUIC, no
	// background fetches of updates or sync (docs/testing.md, Chromium).
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	t.Cleanup(cancelCtx)
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancel)
	return &browser{t: t, ctx: ctx, url: srv.URL}
}

// text returns the visible text of the first element sel matches.
func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// eval returns the string a JavaScript expression evaluates to.
func (b *browser) eval(expression string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](expression, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("%s: %v", expression, err)
	}
	return s
}

// step runs actions, failing the test with what it was doing.
func (b *browser) step(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// poll waits until a JavaScript expression is true.
func poll(expression string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](expression)
}

// pick sets a select's value as a shopper's choice does: with a change event.
func pick(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector(` + quote(sel) + `); s.value = ` + quote(value) +
		`; s.dispatchEvent(new Event("change")); })()`)
}

// TestBrowser drives the product browser in headless Chromium as a shopper
// would: pick a product from the list, see its features, switch style,
// pick a size (two of them the same) and a quantity, add to cart, see the
// cart's lines named; then on a narrow screen, pick a product and be
// scrolled to it.
func TestBrowser(t *testing.T) {
	b := newBrowser(t, newServerWith(t, "sqlite", writeFixtureCSV(t), cataloghttp.Config{Campus: "hr-rfp", Browser: true, Logger: quietLogger()}))
	text, step := b.text, b.step

	step("open the page and the first product",
		chromedp.Navigate(b.url+"/"),
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
	if disabled, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.querySelector("#next").disabled`)); err != nil || !disabled {
		t.Errorf("Next on the only page: disabled %v, %v; want disabled", disabled, err)
	}
	if got := b.eval(`[...document.querySelectorAll("#features li")].map((li) => li.textContent).join("|")`); got != `Fabric: Nylon|Hood: Detachable, 12" brim` {
		t.Errorf("the features: %q", got)
	}
	if got := b.eval(`document.querySelector('link[rel="icon"]')?.type ?? "none"`); got != "image/svg+xml" {
		t.Errorf("the page's icon: %q, want an SVG", got)
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

	// The fixture's photos are on a host that does not resolve.
	step("photos that fail to load, or have no URL, show the placeholder; swatches, the style's name",
		poll(`document.querySelector("#main-photo").src.startsWith("data:image/svg")`),
		poll(`[...document.querySelectorAll(".styles button")].map((b) => b.textContent).join("|") === "Forest Green & Black|Desert Tan|Sold Out Grey"`))

	step("back to the first style: its sizes, the two XLs told apart",
		chromedp.Click(chromedp.CSS(`.styles button:nth-child(1)`)),
		poll(`document.querySelector("#style-name").textContent === "Forest Green & Black"`))
	if got := b.eval(`[...document.querySelectorAll("#size option")].map((o) => o.value + "=" + o.textContent).join("|")`); got != "=Select size|9=S|10=M|11=XL|12=XL (2)" {
		t.Errorf("the sizes: %q", got)
	}

	step("pick M and two, add to cart; then the second XL",
		pick("#size", "10"),
		poll(`document.querySelectorAll("#quantity option").length === 3`), // sku 10 has 3 left
		pick("#quantity", "2"),
		chromedp.Click(chromedp.CSS(`#add-to-cart`)),
		poll(`document.querySelector("#cart-count").textContent === "2"`),
		pick("#size", "12"),
		chromedp.Click(chromedp.CSS(`#add-to-cart`)),
		poll(`document.querySelector("#cart-count").textContent === "3"`))
	// cartLines are the cart's lines: the name, the details, the price.
	const cartLines = `[...document.querySelectorAll("#cart li")].map((li) => li.dataset.skuId + ": " + ` +
		`li.querySelector(".cart-name").textContent + " / " + li.querySelector(".cart-details").textContent + " / " + li.querySelector(".cart-price").textContent).join("|")`
	const named = "10: Harbor Parka / Forest Green & Black · Size M · Qty 2 · $140.00 each / $280.00|" +
		"12: Harbor Parka / Forest Green & Black · Size XL (2) · Qty 1 / $140.00"
	if got := b.eval(cartLines); got != named {
		t.Errorf("the cart's lines:\n got %s\nwant %s", got, named)
	}
	if got := text("#cart-total-price"); got != "$420.00" {
		t.Errorf("the cart's total: %q", got)
	}

	step("the cart outlives a reload (the session cookie), its lines still named",
		chromedp.Reload(),
		poll(`document.querySelector("#cart-count").textContent === "3"`),
		poll(cartLines+` === `+quote(named)))

	// This server has no review nor Q&A routes: the page leaves the
	// sections out, and says nothing of them.
	step("the product again after the reload", chromedp.WaitVisible(chromedp.CSS(`#style-name`)))
	if got := b.eval(`String(document.querySelector("#reviews").hidden) + " " + document.querySelector("#overview-rating").textContent`); got != "true " {
		t.Errorf("reviews on a server without them: hidden and overview rating %q, want %q", got, "true ")
	}
	step("the questions are asked for, and the section stays hidden",
		poll(`performance.getEntriesByType("resource").some((e) => e.name.includes("/qa/questions?product_id=1"))`))
	if got := b.eval(`String(document.querySelector("#qa").hidden) + " " + document.querySelector("#qa-error").hidden`); got != "true true" {
		t.Errorf("questions on a server without them: section and error hidden %q, want %q", got, "true true")
	}

	// A browser that did not add them (here, one whose storage is wiped)
	// knows the SKUs of no product: until it reads the product.
	step("SKUs not added from this browser: their ids, then their names once their product is read",
		chromedp.Evaluate[chromedp.Void](`localStorage.clear()`),
		chromedp.Navigate(b.url+"/"),
		poll(`document.querySelector("#cart-count").textContent === "3"`),
		poll(cartLines+` === "10: SKU 10 / Qty 2 · not added from this browser / |12: SKU 12 / Qty 1 · not added from this browser / "`),
		chromedp.Click(chromedp.CSS(`#product-list a[href="#/products/1"]`)),
		poll(cartLines+` === `+quote(named)))

	step("on a narrow screen, a product picked from the list is scrolled to",
		chromedp.EmulateViewport(400, 700),
		chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`),
		chromedp.Click(chromedp.CSS(`#product-list a[href="#/products/13"]`)),
		poll(`document.querySelector("#product-name")?.textContent === "Nomad Cap"`),
		poll(`window.scrollY > 0 && Math.abs(document.querySelector("#overview").getBoundingClientRect().top) < 2`))
}

// newReviewsServer returns a server of the fixture's products, reviews
// and questions, with the browser page. writeFixtureCSV writes the product
// files only, and newServerWith serves no reviews nor questions: their
// files are added here, and the server is given the store's reviews and
// questions. Question 1 gets a third answer, more helpful than the
// Seller's, so that it has more than the two shown.
func newReviewsServer(t *testing.T) http.Handler {
	t.Helper()
	dir := writeFixtureCSV(t)
	f := storetest.NewFixture()
	writeTable(t, dir, csv.Reviews, f.Reviews)
	writeTable(t, dir, csv.ReviewPhotos, f.ReviewPhotos)
	writeTable(t, dir, csv.Characteristics, f.Characteristics)
	writeTable(t, dir, csv.CharacteristicVotes, f.CharacteristicVotes)
	answers := append(f.Answers, catalog.Answer{ID: 6, QuestionID: 1, Body: "Layer a fleece under it.", Date: time.UnixMilli(1612137600000).UTC(),
		AnswererName: "layers", AnswererEmail: catalog.Some("layers@example.com"), Helpfulness: 2})
	writeTable(t, dir, csv.Questions, f.Questions)
	writeTable(t, dir, csv.Answers, answers)
	writeTable(t, dir, csv.AnswerPhotos, f.AnswerPhotos)
	s := openStore(t, "sqlite")
	rep, err := csv.Import(context.Background(), dir, s, csv.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rejected() != 0 {
		t.Fatalf("rows of %s rejected: %+v", dir, rep)
	}
	return cataloghttp.NewServer(cataloghttp.Services{Products: s, Carts: s, Reviews: s, QA: s},
		cataloghttp.Config{Campus: "hr-rfp", Browser: true, Logger: quietLogger()}).Handler()
}

// TestBrowser_Reviews drives the Ratings & Reviews of the product browser
// as a shopper would: the stars in the overview, the sums, the list in
// each order and page by page, Helpful, Report, and the form, posted
// right and posted wrong.
//
// The fixture's product 1 has five reviews, one of them reported: 5, 4,
// 2 and 5 stars, two of four recommend. Relevant (helpfulness, then date,
// then id, all descending) lists 1, 2, 6, 3; newest lists 2, 6, 3, 1.
func TestBrowser_Reviews(t *testing.T) {
	b := newBrowser(t, newReviewsServer(t))
	text, step := b.text, b.step
	// listed are the ids of the reviews listed, in order.
	listed := func(ids string) chromedp.Action[chromedp.Void] {
		return poll(`[...document.querySelectorAll("#review-list .review")].map((li) => li.dataset.reviewId).join() === ` + quote(ids))
	}
	review := func(id string) string { return `#review-list .review[data-review-id="` + id + `"]` }

	step("open the first product, and its reviews",
		chromedp.Navigate(b.url+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#product-list a[href="#/products/1"]`)),
		chromedp.Click(chromedp.CSS(`#product-list a[href="#/products/1"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#read-reviews`)),
		listed("1,2"))

	// The overview: the mean, 4.0, as four stars of five, and the count.
	if got := text("#read-reviews"); got != "Read all 4 reviews" {
		t.Errorf("the overview's link: %q", got)
	}
	if got := text("#overview-rating .rating-number"); got != "4.0" {
		t.Errorf("the overview's mean: %q", got)
	}
	if got := b.eval(`document.querySelector("#overview-rating .stars-fill").style.width`); got != "80%" {
		t.Errorf("the overview's stars filled to %q, want 80%%", got)
	}

	// The sums: the bars from 5 stars to 1, who recommend, the means.
	if got := b.eval(`[...document.querySelectorAll("#rating-breakdown li")].map((li) => li.textContent).join("|")`); got != "5 stars2|4 stars1|3 stars0|2 stars1|1 star0" {
		t.Errorf("the breakdown: %q", got)
	}
	if got := b.eval(`document.querySelector("#rating-breakdown li:first-child .bar span").style.width`); got != "50%" {
		t.Errorf("the bar of 5 stars: %q, want 50%%", got)
	}
	if got := text("#recommend"); got != "50% of reviews recommend this product" {
		t.Errorf("recommend: %q", got)
	}
	if got := b.eval(`[...document.querySelectorAll("#characteristics li > div:first-child")].map((d) => d.textContent).join("|")`); got != "Fit 3.5 / 5|Length 3.5 / 5|Comfort no votes yet|Quality 5.0 / 5" {
		t.Errorf("the characteristics: %q", got)
	}

	// The first review, in full, and the second, with the seller's response.
	first := review("1")
	if got := text(first + " .review-summary"); got != "Kept me dry!" {
		t.Errorf("the first review's summary: %q", got)
	}
	if got := text(first + " .review-body"); got != "Three days of rain on the coast, and dry underneath." {
		t.Errorf("the first review's body: %q", got)
	}
	if got := text(first + " .review-head"); !strings.Contains(got, "drizzle, July 30, 2020") {
		t.Errorf("the first review's reviewer and day: %q", got)
	}
	if got := b.eval(`document.querySelector(` + quote(first+" .stars") + `).ariaLabel`); got != "5 out of 5 stars" {
		t.Errorf("the first review's stars: %q", got)
	}
	if got := b.eval(`String(document.querySelectorAll(` + quote(first+" .review-photos img") + `).length)`); got != "2" {
		t.Errorf("the first review's photos: %s, want 2", got)
	}
	if got := text(first + " .helpful"); got != "Yes (8)" {
		t.Errorf("the first review's helpful: %q", got)
	}
	if got := text(first + " .recommends"); got != "✓ I recommend this product" {
		t.Errorf("the first review's recommend: %q", got)
	}
	if got := text(review("2") + " .response"); !strings.Contains(got, "Thanks, noted!") {
		t.Errorf("the seller's response: %q", got)
	}
	if got := text("#review-list"); strings.Contains(got, "null") || strings.Contains(got, "undefined") {
		t.Errorf("the list shows a missing part as text: %q", got)
	}

	step("sort by newest: the list again from the first page",
		pick("#review-sort", "newest"),
		listed("2,6"),
		chromedp.WaitVisible(chromedp.CSS(`#more-reviews`)))
	step("More reviews: the next page; then one more, empty, and no more button",
		chromedp.Click(chromedp.CSS(`#more-reviews`)),
		listed("2,6,3,1"),
		chromedp.Click(chromedp.CSS(`#more-reviews`)),
		chromedp.WaitNotVisible(chromedp.CSS(`#more-reviews`)),
		listed("2,6,3,1"))
	if got := b.eval(`String(document.querySelector(` + quote(review("3")) + `).querySelector(".response"))`); got != "null" {
		t.Errorf("a review whose response is empty shows one: %s", got)
	}
	if got := b.eval(`document.querySelector(` + quote(review("6")+" .review-body") + `).innerText`); got != "Warm, light,\nand packs small." {
		t.Errorf("a body of two lines: %q", got)
	}

	step("Helpful: the count goes up, once",
		chromedp.Click(chromedp.CSS(review("6")+" .helpful")),
		poll(`document.querySelector(`+quote(review("6")+" .helpful")+`).textContent === "Yes (3)"`),
		poll(`document.querySelector(`+quote(review("6")+" .helpful")+`).disabled`))
	if got := b.eval(`fetch("/reviews?product_id=1&count=10").then((r) => r.json()).then((b) => String(b.results.find((r) => r.review_id === 6).helpfulness))`); got != "3" {
		t.Errorf("helpfulness of review 6 on the server: %s, want 3", got)
	}

	step("Report: the review is gone, and from the count",
		chromedp.Click(chromedp.CSS(review("3")+" .report")),
		listed("2,6,1"),
		poll(`document.querySelector("#read-reviews").textContent === "Read all 3 reviews"`))

	step("write a review",
		chromedp.Click(chromedp.CSS(`#write-review summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#review-form`)),
		chromedp.Click(chromedp.CSS(`label[for="rating-4"]`)),
		chromedp.Click(chromedp.CSS(`#review-form input[name="recommend"][value="true"]`)),
		chromedp.Click(chromedp.CSS(`input[name="characteristic-1"][value="3"]`)),
		chromedp.Click(chromedp.CSS(`input[name="characteristic-2"][value="2"]`)),
		chromedp.Click(chromedp.CSS(`input[name="characteristic-3"][value="4"]`)),
		chromedp.Click(chromedp.CSS(`input[name="characteristic-4"][value="5"]`)),
		chromedp.SendKeys(chromedp.CSS(`#review-form input[name="summary"]`), "Warm enough"),
		chromedp.SendKeys(chromedp.CSS(`#review-form textarea[name="body"]`), "Good in the snow. <b>not bold</b>"),
		chromedp.SendKeys(chromedp.CSS(`#review-form input[name="photo"]`), "https://img.example/mine.jpg"),
		chromedp.SendKeys(chromedp.CSS(`#review-form input[name="name"]`), "chromedp"),
		chromedp.SendKeys(chromedp.CSS(`#review-form input[name="email"]`), "chromedp@example.com"),
		chromedp.Click(chromedp.CSS(`#submit-review`)),
		poll(`document.querySelector("#review-message").textContent === "Thank you! Your review is posted."`),
		poll(`document.querySelector("#read-reviews").textContent === "Read all 4 reviews"`),
		poll(`document.querySelector("#review-list .review:first-child .review-summary")?.textContent === "Warm enough"`))
	if got := b.eval(`document.querySelector("#review-sort").value`); got != "newest" {
		t.Errorf("the order after a post: %q, want newest", got)
	}
	mine := "#review-list .review:first-child"
	if got := b.eval(`document.querySelector(` + quote(mine+" .review-body") + `).textContent + " " + document.querySelectorAll(` + quote(mine+" .review-body *") + `).length`); got != "Good in the snow. <b>not bold</b> 0" {
		t.Errorf("the new review's body, as text: %q", got)
	}
	if got := text(mine + " .review-head"); !strings.Contains(got, "chromedp, ") {
		t.Errorf("the new review's head: %q", got)
	}
	if got := b.eval(`document.querySelector(` + quote(mine+" .stars") + `).ariaLabel + " " + document.querySelectorAll(` + quote(mine+" .review-photos img") + `).length`); got != "4 out of 5 stars 1" {
		t.Errorf("the new review's stars and photos: %q", got)
	}
	if got := text("#characteristics"); !strings.Contains(got, "Comfort 4.0 / 5") {
		t.Errorf("the characteristics after the post: %q, want Comfort 4.0 / 5", got)
	}

	step("a review the server refuses: its text beside the form, the list as it was",
		chromedp.Click(chromedp.CSS(`label[for="rating-2"]`)),
		chromedp.Click(chromedp.CSS(`#review-form input[name="recommend"][value="false"]`)),
		chromedp.Click(chromedp.CSS(`input[name="characteristic-1"][value="1"]`)),
		chromedp.Click(chromedp.CSS(`input[name="characteristic-2"][value="1"]`)),
		chromedp.Click(chromedp.CSS(`input[name="characteristic-3"][value="1"]`)),
		chromedp.Click(chromedp.CSS(`input[name="characteristic-4"][value="1"]`)),
		chromedp.SendKeys(chromedp.CSS(`#review-form textarea[name="body"]`), "Not for me."),
		chromedp.SendKeys(chromedp.CSS(`#review-form input[name="name"]`), "nobody"),
		chromedp.SendKeys(chromedp.CSS(`#review-form input[name="email"]`), "not-an-email"),
		chromedp.Click(chromedp.CSS(`#submit-review`)),
		poll(`document.querySelector("#review-message.error")?.textContent === "Error: Review body contains invalid entries"`))
	if got := b.eval(`String(document.querySelectorAll("#review-list .review").length) + " " + document.querySelector("#read-reviews").textContent`); got != "2 Read all 4 reviews" {
		t.Errorf("after a refused post: %q, want the list and count as they were", got)
	}
}

// TestBrowser_QA drives the Questions & Answers of the product browser as
// a shopper would: the questions and their first answers, More answers
// and More questions, a question asked and one answered through the
// forms, Helpful and Report.
//
// The fixture's product 1 has three questions listed, most helpful first:
// 4 (7 votes), then 1 and 3 (4 votes each, id decides); 2 is reported.
// Question 1's answers, most helpful first: 1 (8, with two photos), 6 (2)
// and the Seller's 3 (1); 2 is reported.
func TestBrowser_QA(t *testing.T) {
	b := newBrowser(t, newReviewsServer(t))
	text, step := b.text, b.step
	question := func(id string) string { return `#question-list .question[data-question-id="` + id + `"]` }
	// listed are the ids of the questions listed, in order; answered, the
	// ids of a question's answers shown.
	listed := func(ids string) chromedp.Action[chromedp.Void] {
		return poll(`[...document.querySelectorAll("#question-list .question")].map((li) => li.dataset.questionId).join() === ` + quote(ids))
	}
	answered := func(q, ids string) chromedp.Action[chromedp.Void] {
		return poll(`[...document.querySelectorAll(` + quote(question(q)+" .answer") + `)].map((li) => li.dataset.answerId).join() === ` + quote(ids))
	}
	answer := func(q, a string) string { return question(q) + ` .answer[data-answer-id="` + a + `"]` }
	// The Helpful buttons of a question (on its line, above its answers')
	// and of an answer.
	questionHelpful := func(q string) string { return question(q) + " .question-head .helpful" }
	answerHelpful := func(q, a string) string { return answer(q, a) + " .helpful" }

	step("open the first product: its first two questions, each with its first two answers",
		chromedp.Navigate(b.url+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#product-list a[href="#/products/1"]`)),
		chromedp.Click(chromedp.CSS(`#product-list a[href="#/products/1"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#qa`)),
		listed("4,1"),
		answered("4", "5"),
		answered("1", "1,6"),
		chromedp.WaitVisible(chromedp.CSS(`#more-questions`)))

	// The first question, in full, and the first answer of the second.
	if got := text(question("4") + " .question-body"); got != "Washable?" {
		t.Errorf("question 4's body: %q", got)
	}
	if got := text(question("4") + " .asker"); got != "asked by clean, July 10, 2020" {
		t.Errorf("question 4's asker and day: %q", got)
	}
	if got := text(questionHelpful("4")); got != "Yes (7)" {
		t.Errorf("question 4's helpful: %q", got)
	}
	if got := text(answer("4", "5") + " .answer-body"); got != "Cold wash only." {
		t.Errorf("answer 5's body: %q", got)
	}
	first := answer("1", "1")
	if got := text(first + " .answer-body"); got != "I wore it at -25, fine." {
		t.Errorf("answer 1's body: %q", got)
	}
	if got := b.eval(`document.querySelector(` + quote(first+" .review-actions") + `).textContent`); got != "by nordic, March 6, 2021|Helpful?Yes (8)|Report" {
		t.Errorf("answer 1's answerer, day and helpful: %q", got)
	}
	if got := b.eval(`[...document.querySelectorAll(` + quote(first+" .answer-photos img") + `)].map((i) => i.alt).join("|")`); got != "Photo by the answerer|Photo by the answerer" {
		t.Errorf("answer 1's photos: %q, want two", got)
	}
	if got := text("#question-list"); strings.Contains(got, "spam") || strings.Contains(got, "HEY") || strings.Contains(got, "undefined") {
		t.Errorf("the list shows a reported question or answer, or a missing part: %q", got)
	}
	if got := b.eval(`[...document.querySelectorAll("#question-list .more-answers")].map((m) => m.hidden ? "-" : m.textContent).join("|")`); got != "-|More answers" {
		t.Errorf("More answers of questions 4 and 1: %q, want only on question 1", got)
	}

	step("More answers: all of question 1's answers, read through the answers route; then fold them again",
		chromedp.Click(chromedp.CSS(question("1")+" .more-answers")),
		answered("1", "1,6,3"),
		poll(`performance.getEntriesByType("resource").some((e) => e.name.includes("/qa/questions/1/answers?"))`))
	if got := text(answer("1", "3")); !strings.Contains(got, "Yes, down to -30.") || !strings.Contains(got, "by Seller, September 13, 2020") {
		t.Errorf("the Seller's answer: %q", got)
	}
	if got := b.eval(`document.querySelectorAll(` + quote(answer("1", "1")+" .answer-photos img") + `).length + " " + document.querySelector(` + quote(answer("1", "3")+" .answerer") + `).tagName`); got != "2 STRONG" {
		t.Errorf("from the answers route: answer 1's photos and the Seller's name %q, want 2 of them and in bold", got)
	}
	step("Collapse answers: the first two again",
		chromedp.Click(chromedp.CSS(question("1")+" .more-answers")),
		answered("1", "1,6"),
		poll(`document.querySelector(`+quote(question("1")+" .more-answers")+`).textContent === "More answers"`))

	step("ask a question: listed after the first two, as it is not among them",
		chromedp.Click(chromedp.CSS(`#ask-question summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#question-form`)),
		chromedp.SendKeys(chromedp.CSS(`#question-form textarea[name="body"]`), "Is the hood <b>removable</b>?"),
		chromedp.SendKeys(chromedp.CSS(`#question-form input[name="name"]`), "chromedp"),
		chromedp.SendKeys(chromedp.CSS(`#question-form input[name="email"]`), "chromedp@example.com"),
		chromedp.Click(chromedp.CSS(`#submit-question`)),
		poll(`document.querySelector("#question-message").textContent === "Thank you! Your question is posted."`),
		poll(`document.querySelectorAll("#question-list .question").length === 3`))
	mine := "#question-list .question:last-child"
	if got := b.eval(`document.querySelector(` + quote(mine+" .question-body") + `).textContent + " " + document.querySelectorAll(` + quote(mine+" .question-body *") + `).length`); got != "Is the hood <b>removable</b>? 0" {
		t.Errorf("the new question's body, as text: %q", got)
	}
	if got := text(mine+" .asker") + " " + text(mine+" .question-head .helpful"); !strings.HasPrefix(got, "asked by chromedp, ") || !strings.HasSuffix(got, "Yes (0)") {
		t.Errorf("the new question's asker and helpful: %q", got)
	}
	if got := b.eval(`String(document.querySelector(` + quote(mine) + `).querySelectorAll(".answer").length) + " " + document.querySelector("#question-form textarea").value`); got != "0 " {
		t.Errorf("the new question's answers and the emptied form: %q, want none and empty", got)
	}
	newID := b.eval(`document.querySelector(` + quote(mine) + `).dataset.questionId`)
	if got := b.eval(`[...document.querySelectorAll("#question-list .question")].map((li) => li.dataset.questionId).join()`); got != "4,1,"+newID {
		t.Errorf("the questions listed after asking one: %s", got)
	}

	step("More questions: the next two, the new one in its place after them",
		chromedp.Click(chromedp.CSS(`#more-questions`)),
		listed("4,1,3,"+newID),
		chromedp.WaitNotVisible(chromedp.CSS(`#more-questions`)))

	step("Helpful on a question: the count goes up, once",
		chromedp.Click(chromedp.CSS(questionHelpful("3"))),
		poll(`document.querySelector(`+quote(questionHelpful("3"))+`).textContent === "Yes (5)"`),
		poll(`document.querySelector(`+quote(questionHelpful("3"))+`).disabled`))
	if got := b.eval(`fetch("/qa/questions?product_id=1&count=10").then((r) => r.json()).then((b) => String(b.results.find((q) => q.question_id === 3).question_helpfulness))`); got != "5" {
		t.Errorf("helpfulness of question 3 on the server: %s, want 5", got)
	}
	step("Helpful on an answer: the count goes up, once",
		chromedp.Click(chromedp.CSS(answerHelpful("1", "6"))),
		poll(`document.querySelector(`+quote(answerHelpful("1", "6"))+`).textContent === "Yes (3)"`),
		poll(`document.querySelector(`+quote(answerHelpful("1", "6"))+`).disabled`))
	if got := b.eval(`fetch("/qa/questions/1/answers?count=10").then((r) => r.json()).then((b) => String(b.results.find((a) => a.answer_id === 6).helpfulness))`); got != "3" {
		t.Errorf("helpfulness of answer 6 on the server: %s, want 3", got)
	}

	step("answer question 3: its answers read again, the new one with them",
		chromedp.Click(chromedp.CSS(question("3")+" .answer-toggle summary")),
		chromedp.WaitVisible(chromedp.CSS(question("3")+" .answer-form")),
		chromedp.SendKeys(chromedp.CSS(question("3")+` .answer-form textarea[name="body"]`), "<i>Yes</i>, a size big.\nSize down."),
		chromedp.SendKeys(chromedp.CSS(question("3")+` .answer-form input[name="photo"]`), "https://img.example/mine.jpg"),
		chromedp.SendKeys(chromedp.CSS(question("3")+` .answer-form input[name="name"]`), "chromedp"),
		chromedp.SendKeys(chromedp.CSS(question("3")+` .answer-form input[name="email"]`), "chromedp@example.com"),
		chromedp.Click(chromedp.CSS(question("3")+" .submit-answer")),
		poll(`document.querySelector(`+quote(question("3")+" .answer-message")+`).textContent === "Thank you! Your answer is posted."`),
		poll(`document.querySelectorAll(`+quote(question("3")+" .answer")+`).length === 2`))
	newAnswer := question("3") + " .answer:last-child"
	newAnswerID := b.eval(`document.querySelector(` + quote(newAnswer) + `).dataset.answerId`)
	if got := b.eval(`document.querySelector(` + quote(newAnswer+" .answer-body") + `).innerText + "|" + document.querySelectorAll(` + quote(newAnswer+" .answer-body *") + `).length`); got != "<i>Yes</i>, a size big.\nSize down.|0" {
		t.Errorf("the new answer's body, as text: %q", got)
	}
	if got := b.eval(`document.querySelectorAll(` + quote(newAnswer+" .answer-photos img") + `).length + " " + document.querySelector(` + quote(newAnswer+" .answerer") + `).textContent`); got != "1 chromedp" {
		t.Errorf("the new answer's photos and answerer: %q", got)
	}
	if got := b.eval(`document.querySelector(` + quote(question("3")+" .answers") + `).firstChild.dataset.answerId`); got != "4" {
		t.Errorf("question 3's first answer: %s, want 4, the one it had", got)
	}

	step("an answer the server refuses: its text beside the form, the answers as they were",
		chromedp.SendKeys(chromedp.CSS(question("3")+` .answer-form textarea[name="body"]`), "Not sure."),
		chromedp.SendKeys(chromedp.CSS(question("3")+` .answer-form input[name="name"]`), "nobody"),
		chromedp.SendKeys(chromedp.CSS(question("3")+` .answer-form input[name="email"]`), "not-an-email"),
		chromedp.Click(chromedp.CSS(question("3")+" .submit-answer")),
		poll(`document.querySelector(`+quote(question("3")+" .answer-message.error")+`)?.textContent === "Error: Answer body contains invalid entries"`))
	if got := b.eval(`String(document.querySelectorAll(` + quote(question("3")+" .answer") + `).length)`); got != "2" {
		t.Errorf("question 3's answers after a refused post: %s, want 2", got)
	}

	step("Report an answer: gone, and the next one moves up",
		chromedp.Click(chromedp.CSS(answer("1", "1")+" .report")),
		answered("1", "6,3"))
	step("Report a question: gone from the list",
		chromedp.Click(chromedp.CSS(question("4")+" .question-head .report")),
		listed("1,3,"+newID))
	if got := b.eval(`fetch("/qa/questions?product_id=1&count=10").then((r) => r.json()).then((b) => b.results.map((q) => q.question_id + ":" + Object.keys(q.answers).join("+")).join())`); got != "3:4+"+newAnswerID+",1:3+6,"+newID+":" {
		t.Errorf("the questions on the server after the reports: %s", got)
	}
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }
