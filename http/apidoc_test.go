package http_test

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// apiDocPath is the API reference that TestAPIReference keeps true.
const apiDocPath = "../docs/api.md"

// TestAPIReference checks docs/api.md against the OpenAPI description,
// http/openapi.json, so that the reference cannot drift from the routes:
// every path and method of the description has a "### METHOD /path"
// section (a route of the hosted prefix, /api/fec2/{campus}/…, is the
// section of its bare path), every such heading is a route of the
// description, every `METHOD /path` the text names is one, and each
// section's status table lists exactly the statuses the description gives
// the route, under the bare path and the prefix together.
func TestAPIReference(t *testing.T) {
	routes := readOpenAPIRoutes(t, "openapi.json")
	doc := readAPIDoc(t, apiDocPath)

	t.Run("EveryRouteHasASection", func(t *testing.T) {
		for _, route := range sortedKeys(routes) {
			if _, ok := doc.sections[route]; !ok {
				t.Errorf("%s is in openapi.json but has no section in %s: add a heading %q", route, apiDocPath, "### "+route)
			}
		}
	})

	t.Run("EverySectionIsARoute", func(t *testing.T) {
		for _, bad := range doc.malformed {
			t.Errorf("%s: heading %q starts with a method but is not \"METHOD /path\"", apiDocPath, bad)
		}
		for _, dup := range doc.duplicates {
			t.Errorf("%s: %s has more than one section", apiDocPath, dup)
		}
		for _, route := range sortedKeys(doc.sections) {
			if _, ok := routes[route]; !ok {
				t.Errorf("%s has a section for %s, which openapi.json does not describe", apiDocPath, route)
			}
		}
	})

	t.Run("EveryNamedRouteExists", func(t *testing.T) {
		for _, named := range doc.named {
			if !matchesRoute(routes, named) {
				t.Errorf("%s names `%s`, which is no route of openapi.json", apiDocPath, named)
			}
		}
	})

	t.Run("EveryStatusIsListed", func(t *testing.T) {
		for _, route := range sortedKeys(routes) {
			sec, ok := doc.sections[route]
			if !ok {
				continue // EveryRouteHasASection says so
			}
			if got, want := sec.statuses, routes[route]; !slices.Equal(got, want) {
				t.Errorf("%s, section %s: status table lists %v, openapi.json gives %v", apiDocPath, route, got, want)
			}
		}
	})

	t.Run("HostedPrefix", func(t *testing.T) {
		if !strings.Contains(doc.text, "/api/fec2/<campus>/") {
			t.Errorf("%s does not say that every route is served under /api/fec2/<campus>/ too", apiDocPath)
		}
	})
}

// hostedPrefix is how openapi.json writes the hosted API's prefix.
const hostedPrefix = "/api/fec2/{campus}"

// readOpenAPIRoutes returns the routes of the OpenAPI description in file,
// "METHOD /path" with a hosted path's prefix cut off, each with its
// statuses, sorted, under the bare path and the prefix together.
func readOpenAPIRoutes(tb testing.TB, file string) map[string][]string {
	tb.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		tb.Fatal(err)
	}
	var spec struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(b, &spec); err != nil {
		tb.Fatalf("%s: %v", file, err)
	}
	routes := make(map[string][]string)
	for path, item := range spec.Paths {
		if rest, ok := strings.CutPrefix(path, hostedPrefix); ok {
			path = rest
		}
		for method, raw := range item {
			if !isMethod(strings.ToUpper(method)) {
				continue // parameters, summary…
			}
			var op struct {
				Responses map[string]json.RawMessage `json:"responses"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				tb.Fatalf("%s: %s %s: %v", file, method, path, err)
			}
			route := strings.ToUpper(method) + " " + path
			for status := range op.Responses {
				if !slices.Contains(routes[route], status) {
					routes[route] = append(routes[route], status)
				}
			}
			slices.Sort(routes[route])
		}
	}
	if len(routes) == 0 {
		tb.Fatalf("%s describes no routes", file)
	}
	return routes
}

// apiDoc is what TestAPIReference reads of the API reference.
type apiDoc struct {
	text       string
	sections   map[string]apiSection // by "METHOD /path"
	named      []string              // every `METHOD /path` code span of the text
	malformed  []string              // headings that start with a method but name no route
	duplicates []string
}

// apiSection is a route's section: from its heading to the next heading
// of the same level or higher.
type apiSection struct {
	statuses []string // the first cells of its status table's rows, sorted
}

var (
	headingLine   = regexp.MustCompile(`^(#{1,6}) +(.*?) *$`)
	routeHeading  = regexp.MustCompile(`^([A-Z]+) (/\S*)$`)
	statusRow     = regexp.MustCompile(`^\| *([1-5][0-9][0-9]) *\|`)
	namedRoute    = regexp.MustCompile("`([A-Z]+ /[^`\\s]*)`")
	pathParameter = regexp.MustCompile(`\\\{[^/]+?\\\}`)
)

// readAPIDoc reads the API reference in file. Fenced code blocks are
// examples: their lines name no route and head no section.
func readAPIDoc(tb testing.TB, file string) apiDoc {
	tb.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		tb.Fatal(err)
	}
	doc := apiDoc{text: string(b), sections: make(map[string]apiSection)}
	var (
		current string // the route of the section being read, or ""
		level   int    // its heading's level
		fenced  bool
	)
	for line := range strings.Lines(doc.text) {
		line = strings.TrimRight(line, "\r\n")
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		if fenced {
			continue
		}
		if m := headingLine.FindStringSubmatch(line); m != nil {
			if current != "" && len(m[1]) <= level {
				current = ""
			}
			method, _, _ := strings.Cut(m[2], " ")
			if !isMethod(method) {
				continue
			}
			if !routeHeading.MatchString(m[2]) {
				doc.malformed = append(doc.malformed, line)
				continue
			}
			if _, ok := doc.sections[m[2]]; ok {
				doc.duplicates = append(doc.duplicates, m[2])
			}
			current, level = m[2], len(m[1])
			doc.sections[current] = apiSection{}
			continue
		}
		for _, m := range namedRoute.FindAllStringSubmatch(line, -1) {
			if method, _, _ := strings.Cut(m[1], " "); isMethod(method) {
				doc.named = append(doc.named, m[1])
			}
		}
		if m := statusRow.FindStringSubmatch(line); m != nil && current != "" {
			sec := doc.sections[current]
			sec.statuses = append(sec.statuses, m[1])
			slices.Sort(sec.statuses)
			doc.sections[current] = sec
		}
	}
	return doc
}

// matchesRoute reports whether named, "METHOD /path?query" as the text
// gives it (with concrete ids or the description's {parameters}, under
// the hosted prefix or not), is a request of one of routes. HEAD is a
// GET's.
func matchesRoute(routes map[string][]string, named string) bool {
	method, path, _ := strings.Cut(named, " ")
	path, _, _ = strings.Cut(path, "?")
	if rest, ok := strings.CutPrefix(path, "/api/fec2/"); ok {
		if _, after, ok := strings.Cut(rest, "/"); ok {
			path = "/" + after
		}
	}
	if method == "HEAD" {
		method = "GET"
	}
	for route := range routes {
		m, template, _ := strings.Cut(route, " ")
		if m != method {
			continue
		}
		pattern := pathParameter.ReplaceAllString(regexp.QuoteMeta(template), `[^/]+`)
		if regexp.MustCompile("^" + pattern + "$").MatchString(path) {
			return true
		}
	}
	return false
}

func isMethod(s string) bool {
	switch s {
	case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT":
		return true
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
