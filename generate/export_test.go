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
