package loadtest

import (
	"context"
	"maps"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Options are the settings of a sweep.
type Options struct {
	// Rates are the request rates per second of the sweep's steps, in order.
	Rates []int
	// Duration is each step's length.
	Duration time.Duration
	// Timeout bounds each request.
	Timeout time.Duration
	// MaxWorkers bounds the requests in flight; past it, requests go out
	// late and the achieved rate falls short of the offered one.
	MaxWorkers int
	// A step fails when more than StopErrorRate of its requests fail, or
	// its p99 is over StopP99, or it achieves less than StopRate of its
	// offered rate; the sweep stops after a failed step.
	StopErrorRate float64
	StopP99       time.Duration
	StopRate      float64
	// Progress, when set, is told of each answer: the step's index and the
	// answers of that step so far.
	Progress func(step, answered int)
}

// DefaultOptions are the classic sweep's settings.
var DefaultOptions = Options{
	Rates:         []int{100, 1000, 2000, 5000, 10000},
	Duration:      30 * time.Second,
	Timeout:       10 * time.Second,
	MaxWorkers:    2000,
	StopErrorRate: 0.05,
	StopP99:       2 * time.Second,
	StopRate:      0.9,
}

// Step is what one rate of a sweep measured.
type Step struct {
	// Start is when the step's first request was sent.
	Start time.Time `json:"start"`
	// Rate is the offered rate per second; Achieved is the rate of
	// successful (2xx) answers over the time requests were being sent.
	Rate     int     `json:"rate"`
	Achieved float64 `json:"achieved"`
	Requests int     `json:"requests"`
	// Latencies, in milliseconds, over every request (failed ones too).
	P50 float64 `json:"p50_ms"`
	P90 float64 `json:"p90_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
	// Errors counts failed requests by status code ("503"), or by what went
	// wrong when there was no answer ("timeout", "refused", "reset").
	Errors    map[string]int `json:"errors"`
	ErrorRate float64        `json:"error_rate"`
	// Failed says why the step failed, if it did.
	Failed string `json:"failed,omitempty"`
}

// Sweep runs one step per rate against targets, in order, until a step
// fails or ctx ends. It returns the steps it ran.
func Sweep(ctx context.Context, targets vegeta.Targeter, opts Options) ([]Step, error) {
	var steps []Step
	for i, rate := range opts.Rates {
		if err := ctx.Err(); err != nil {
			return steps, err
		}
		step := runStep(ctx, targets, rate, i, opts)
		steps = append(steps, step)
		if step.Failed != "" {
			break
		}
	}
	return steps, ctx.Err()
}

func runStep(ctx context.Context, targets vegeta.Targeter, rate, index int, opts Options) Step {
	workers := max(opts.MaxWorkers, 1)
	// A transport of the step's own, whose connections are closed when it
	// ends: the next step does not share the server with this one's idle
	// connections.
	transport := &http.Transport{
		DialContext:         (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConnsPerHost: workers,
		IdleConnTimeout:     30 * time.Second,
	}
	defer transport.CloseIdleConnections()
	atk := vegeta.NewAttacker(
		vegeta.Client(&http.Client{Transport: transport}),
		vegeta.Timeout(opts.Timeout),
		vegeta.MaxWorkers(uint64(workers)),
		vegeta.Workers(uint64(min(max(rate/100, 10), workers))),
		vegeta.MaxBody(0), // bodies are counted by the server, not kept here
		vegeta.Redirects(vegeta.NoFollow),
	)
	stop := context.AfterFunc(ctx, func() { atk.Stop() })
	defer stop()
	var latencies []time.Duration
	var first, last time.Time
	errs := map[string]int{}
	for res := range atk.Attack(targets, vegeta.Rate{Freq: rate, Per: time.Second}, opts.Duration, strconv.Itoa(rate)) {
		if len(latencies) == 0 || res.Timestamp.Before(first) {
			first = res.Timestamp
		}
		if res.Timestamp.After(last) {
			last = res.Timestamp
		}
		latencies = append(latencies, res.Latency)
		if res.Code < 200 || res.Code >= 300 {
			errs[errorKind(res)]++
		}
		if opts.Progress != nil {
			opts.Progress(index, len(latencies))
		}
	}
	s := Step{Start: first, Rate: rate, Requests: len(latencies), Errors: errs}
	if len(latencies) == 0 {
		s.Failed = "no requests were made"
		return s
	}
	failed := 0
	for _, n := range errs {
		failed += n
	}
	// n requests sent at the rate span n-1 intervals; one more is the
	// sending time they stand for.
	sending := last.Sub(first) + time.Second/time.Duration(rate)
	s.Achieved = float64(len(latencies)-failed) / sending.Seconds()
	s.ErrorRate = float64(failed) / float64(len(latencies))
	slices.Sort(latencies)
	s.P50, s.P90, s.P99 = ms(quantile(latencies, 0.50)), ms(quantile(latencies, 0.90)), ms(quantile(latencies, 0.99))
	s.Max = ms(latencies[len(latencies)-1])
	switch {
	case s.ErrorRate > opts.StopErrorRate:
		s.Failed = "errors over " + strconv.FormatFloat(opts.StopErrorRate*100, 'g', -1, 64) + "%"
	case opts.StopP99 > 0 && s.P99 > ms(opts.StopP99):
		s.Failed = "p99 over " + opts.StopP99.String()
	case s.Achieved < opts.StopRate*float64(rate):
		s.Failed = "achieved under " + strconv.FormatFloat(opts.StopRate*100, 'g', -1, 64) + "% of the offered rate"
	}
	return s
}

// quantile returns the q-quantile of sorted latencies: the smallest value
// that at least q of them do not exceed.
func quantile(sorted []time.Duration, q float64) time.Duration {
	i := int(float64(len(sorted))*q+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// errorKind names a failed request's failure: its status code, or the
// kind of transport error.
func errorKind(res *vegeta.Result) string {
	if res.Code != 0 {
		return strconv.Itoa(int(res.Code))
	}
	e := res.Error
	switch {
	case strings.Contains(e, "Client.Timeout") || strings.Contains(e, "deadline exceeded") || strings.Contains(e, "timeout"):
		return "timeout"
	case strings.Contains(e, "connection refused"):
		return "refused"
	case strings.Contains(e, "connection reset"), strings.Contains(e, "broken pipe"), strings.Contains(e, "EOF"):
		return "reset"
	}
	return "error"
}

// ErrorKinds returns a step's error kinds, most frequent first.
func (s Step) ErrorKinds() []string {
	kinds := slices.Collect(maps.Keys(s.Errors))
	slices.SortFunc(kinds, func(a, b string) int {
		if s.Errors[a] != s.Errors[b] {
			return s.Errors[b] - s.Errors[a]
		}
		return strings.Compare(a, b)
	})
	return kinds
}
