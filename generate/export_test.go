package generate

// Count returns the rows Write would write for opts, without writing them:
// it draws what Write's first pass draws.
func Count(opts Options) Counts {
	var c Counts
	for _, d := range newGenerator(opts).countChunks(2) {
		c = c.add(d)
	}
	return c
}

// Kind is what the products of a category are made of: the nouns they are
// named after, and the values of each of their features (none for a
// feature without a value).
type Kind struct {
	Nouns    []string
	Features map[string][]string
}

// Kinds returns every category's kind, by the category's name.
func Kinds() map[string]Kind {
	kinds := map[string]Kind{}
	for _, c := range categories {
		k := Kind{Nouns: c.nouns, Features: map[string][]string{}}
		for _, f := range c.features {
			k.Features[f.name] = f.values
		}
		kinds[c.name] = k
	}
	return kinds
}
