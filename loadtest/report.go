package loadtest

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"math"
	"strconv"
	"strings"
)

// Report is a sweep and the settings that made it.
type Report struct {
	Title    string   `json:"title"`
	Settings []string `json:"settings"`
	Steps    []Step   `json:"steps"`
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteMarkdown writes the report's settings as a list and its steps as a
// table.
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### %s\n\n", r.Title)
	for _, s := range r.Settings {
		fmt.Fprintf(&b, "- %s\n", s)
	}
	b.WriteString("\n| offered/s | achieved/s | requests | p50 ms | p90 ms | p99 ms | max ms | errors | verdict |\n")
	b.WriteString("|---:|---:|---:|---:|---:|---:|---:|---|---|\n")
	for _, s := range r.Steps {
		verdict := "ok"
		if s.Failed != "" {
			verdict = "failed: " + s.Failed
		}
		fmt.Fprintf(&b, "| %d | %.0f | %d | %.2f | %.2f | %.2f | %.1f | %s | %s |\n",
			s.Rate, s.Achieved, s.Requests, s.P50, s.P90, s.P99, s.Max, s.ErrorSummary(), verdict)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ErrorSummary is "none", or the error rate and its kinds: "1.20% (503: 40, timeout: 2)".
func (s Step) ErrorSummary() string {
	if len(s.Errors) == 0 {
		return "none"
	}
	var kinds []string
	for _, k := range s.ErrorKinds() {
		kinds = append(kinds, k+": "+strconv.Itoa(s.Errors[k]))
	}
	return fmt.Sprintf("%.2f%% (%s)", s.ErrorRate*100, strings.Join(kinds, ", "))
}

// The chart's geometry, in SVG user units.
const (
	chartW, chartH             = 760, 420
	padL, padR, padT, padB     = 70, 150, 40, 55
	plotW, plotH               = chartW - padL - padR, chartH - padT - padB
	minLatencyMS, minRatePerS  = 0.1, 10.0
	seriesStroke, markerRadius = 2, 3.5
)

// WriteSVG draws the latency percentiles against the offered rate, both on
// log scales, with failed steps marked.
func (r *Report) WriteSVG(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", chartW, chartH, chartW, chartH)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%d" y="22" font-size="15" font-weight="bold">%s</text>`+"\n", padL, html.EscapeString(r.Title))

	// Axis ranges: whole decades around the data.
	xLo, xHi := decades(minRatePerS, func(yield func(float64)) {
		for _, s := range r.Steps {
			yield(float64(s.Rate))
		}
	})
	yLo, yHi := decades(minLatencyMS, func(yield func(float64)) {
		for _, s := range r.Steps {
			yield(s.P50)
			yield(s.Max)
		}
	})
	x := func(v float64) float64 { return padL + plotW*(math.Log10(v)-xLo)/(xHi-xLo) }
	y := func(v float64) float64 {
		return padT + plotH - plotH*(math.Log10(math.Max(v, minLatencyMS))-yLo)/(yHi-yLo)
	}

	// Grid and ticks at 1, 2 and 5 of each decade.
	for d := xLo; d <= xHi; d++ {
		for _, m := range []float64{1, 2, 5} {
			v := m * math.Pow(10, d)
			if math.Log10(v) > xHi+1e-9 {
				break
			}
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#e4e4e4"/>`+"\n", x(v), padT, x(v), padT+plotH)
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n", x(v), padT+plotH+16, number(v))
		}
	}
	for d := yLo; d <= yHi; d++ {
		for _, m := range []float64{1, 2, 5} {
			v := m * math.Pow(10, d)
			if math.Log10(v) > yHi+1e-9 {
				break
			}
			fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#e4e4e4"/>`+"\n", padL, y(v), padL+plotW, y(v))
			fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end" dominant-baseline="middle">%s</text>`+"\n", padL-6, y(v), number(v))
		}
	}
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#888"/>`+"\n", padL, padT, plotW, plotH)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">offered rate (requests/s, log scale)</text>`+"\n", padL+plotW/2, chartH-12)
	fmt.Fprintf(&b, `<text transform="translate(18 %d) rotate(-90)" text-anchor="middle">latency (ms, log scale)</text>`+"\n", padT+plotH/2)

	series := []struct {
		name, colour string
		v            func(Step) float64
	}{
		{"p50", "#1b9e77", func(s Step) float64 { return s.P50 }},
		{"p90", "#7570b3", func(s Step) float64 { return s.P90 }},
		{"p99", "#d95f02", func(s Step) float64 { return s.P99 }},
		{"max", "#999999", func(s Step) float64 { return s.Max }},
	}
	for i, se := range series {
		var pts []string
		for _, s := range r.Steps {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(float64(s.Rate)), y(se.v(s))))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="%d" points="%s"/>`+"\n", se.colour, seriesStroke, strings.Join(pts, " "))
		for _, s := range r.Steps {
			fill := se.colour
			if s.Failed != "" {
				fill = "white"
			}
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="%.1f" fill="%s" stroke="%s"><title>%d/s %s %.2f ms</title></circle>`+"\n",
				x(float64(s.Rate)), y(se.v(s)), markerRadius, fill, se.colour, s.Rate, se.name, se.v(s))
		}
		ly := padT + 10 + i*20
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="%d"/>`+"\n", padL+plotW+14, ly, padL+plotW+38, ly, se.colour, seriesStroke)
		fmt.Fprintf(&b, `<text x="%d" y="%d" dominant-baseline="middle">%s</text>`+"\n", padL+plotW+44, ly, se.name)
	}
	ly := padT + 10 + len(series)*20
	fmt.Fprintf(&b, `<circle cx="%d" cy="%d" r="%.1f" fill="white" stroke="#333"/>`+"\n", padL+plotW+26, ly, markerRadius)
	fmt.Fprintf(&b, `<text x="%d" y="%d" dominant-baseline="middle">failed step</text>`+"\n", padL+plotW+44, ly)
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// decades returns the whole powers of ten (as exponents) that bound the
// values, no lower than floor.
func decades(floor float64, values func(yield func(float64))) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	values(func(v float64) {
		v = math.Max(v, floor)
		lo, hi = math.Min(lo, math.Floor(math.Log10(v))), math.Max(hi, math.Ceil(math.Log10(v)))
	})
	if math.IsInf(lo, 0) {
		return math.Log10(floor), math.Log10(floor) + 1
	}
	if hi == lo {
		hi++
	}
	return lo, hi
}

// number formats a tick value: 0.1, 2, 5000, 10k.
func number(v float64) string {
	if v >= 10000 {
		return strconv.FormatFloat(v/1000, 'f', -1, 64) + "k"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}
