package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"catalog/generate"
)

func runGenerate(ctx context.Context, args []string, env environment, stdout, stderr io.Writer) error {
	fs := newFlagSet("generate", "generate [flags]", stderr)
	out := fs.String("out", "data", "the directory to write the CSV files into")
	products := fs.Int("products", generate.DefaultProducts, "how many products (the real dataset has 1,000,011)")
	seed := fs.Uint64("seed", 1, "the random seed: the same seed gives the same files")
	progress := fs.Bool("progress", isTerminal(stderr), "show a progress bar")
	deltaOf := fs.String("delta-of", "", "write instead a delta of --products products of the dataset in this directory: new prices, new stock, new products, deletions")
	if _, err := env.parseArgs(fs, args); err != nil {
		return err
	}
	if *deltaOf != "" {
		start := time.Now()
		c, err := generate.WriteDelta(ctx, *deltaOf, *out, *products, *seed)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote a delta of %d products of %s into %s in %s: %d repriced, %d restocked, %d added, %d deleted\n",
			c.Total(), *deltaOf, *out, time.Since(start).Round(time.Millisecond), c.Repriced, c.Restocked, c.Added, c.Deleted)
		return nil
	}
	opts := generate.Options{Products: *products, Seed: *seed}
	var p *mpb.Progress
	if *progress {
		p = mpb.NewWithContext(ctx, mpb.WithOutput(stderr), mpb.WithWidth(40))
		bar := p.AddBar(int64(*products),
			mpb.PrependDecorators(decor.Name("products", decor.WC{W: 10})),
			mpb.AppendDecorators(decor.CountersNoUnit("%d / %d", decor.WC{W: 22}), decor.Percentage(decor.WC{W: 6})))
		opts.Progress = func(n int) { bar.SetCurrent(int64(n)) }
		defer func() {
			bar.SetTotal(-1, true)
			p.Wait()
		}()
	}
	start := time.Now()
	n, err := generate.Write(ctx, *out, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s in %s: %d products, %d features, %d styles, %d photos, %d skus, %d related, %d reviews, %d review photos, %d characteristics, %d characteristic votes, %d questions, %d answers, %d answer photos\n",
		*out, time.Since(start).Round(time.Millisecond), n.Products, n.Features, n.Styles, n.Photos, n.SKUs, n.Related,
		n.Reviews, n.ReviewPhotos, n.Characteristics, n.CharacteristicVotes, n.Questions, n.Answers, n.AnswerPhotos)
	return nil
}
