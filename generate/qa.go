package generate

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"catalog"
	"catalog/csv"
)

// Distributions tuned to the real files: 3.52 questions per product, 1.95
// answers per question, 0.30 photos per answer.
var (
	// questionsPerProduct: 8% of products have none, 2% dozens (15 to
	// 60), the rest one and then more with chance 0.675 each.
	questionsPerProduct = skewed(0.08, 0.02, 15, 60, 0.675)
	// answersPerQuestion: 22% of questions have none, 3% many (6 to 25),
	// the rest one and then more with chance 0.4966 each.
	answersPerQuestion = skewed(0.22, 0.03, 6, 25, 0.4966)
	// photosPerAnswer: 12% of answers have photos, 1 to 5.
	photosPerAnswer = weighted(880, 36, 30, 24, 18, 12)
)

// A countDistribution is a distribution of the counts 0, 1, 2, …, drawn
// with a single random number: both passes draw some twelve counts per
// product, so a draw must be cheap. below[i] is the chance, in 1<<32, of a
// count up to i.
type countDistribution struct {
	below []uint64
}

// skewed returns the distribution of a count that is 0 with chance none,
// from lo to hi alike with chance many, and otherwise 1 and then one more
// with chance more each (cut where the chance of more is nil).
func skewed(none, many float64, lo, hi int, more float64) countDistribution {
	var p []float64
	chance := func(n int, x float64) {
		for len(p) <= n {
			p = append(p, 0)
		}
		p[n] += x
	}
	chance(0, none)
	for n := lo; n <= hi; n++ {
		chance(n, many/float64(hi-lo+1))
	}
	rest := 1 - none - many
	for n, x := 1, rest*(1-more); x*(1<<32) >= 0.5; n, x = n+1, x*more {
		chance(n, x)
	}
	return cumulative(p)
}

// weighted returns the distribution of the counts 0, 1, 2, … by weight.
func weighted(weights ...int) countDistribution {
	total := 0
	for _, w := range weights {
		total += w
	}
	p := make([]float64, len(weights))
	for i, w := range weights {
		p[i] = float64(w) / float64(total)
	}
	return cumulative(p)
}

func cumulative(p []float64) countDistribution {
	d := countDistribution{below: make([]uint64, len(p))}
	sum := 0.0
	for i, x := range p {
		sum += x
		d.below[i] = uint64(math.Round(sum * (1 << 32)))
	}
	d.below[len(p)-1] = 1 << 32
	return d
}

func (d countDistribution) draw(r *rand.Rand) int {
	u := r.Uint64() >> 32
	for i, b := range d.below {
		if u < b {
			return i
		}
	}
	return len(d.below) - 1
}

// The span of question and answer dates.
var (
	firstQuestionDate = time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	lastQADate        = time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
)

// seller is the answerer's name of the seller's answers.
const seller = "Seller"

// qaStreams returns chunk k's Q&A streams, shape and content as streams
// has them. They are apart from the others so that adding the Q&A files
// changed no byte of the other files.
func (g *generator) qaStreams(k int) (shape, content *rand.Rand) {
	const qa = 1 << 61
	shape = rand.New(rand.NewPCG(g.opts.Seed, qa|uint64(k)<<1))
	content = rand.New(rand.NewPCG(g.opts.Seed, qa|uint64(k)<<1|1))
	return shape, content
}

// countQA adds a product's Q&A rows to c, drawing from the Q&A shape
// stream what renderQA draws.
func countQA(shape *rand.Rand, c *Counts) {
	questions := questionsPerProduct.draw(shape)
	c.Questions += int64(questions)
	for range questions {
		answers := answersPerQuestion.draw(shape)
		c.Answers += int64(answers)
		for range answers {
			c.AnswerPhotos += int64(photosPerAnswer.draw(shape))
		}
	}
}

// qaState is what a chunk's questions carry from one to the next.
type qaState struct {
	date int64 // the last question's, in epoch milliseconds
}

// renderQA writes a product's questions, each followed by its answers,
// each followed by its photos.
func (g *generator) renderQA(shape, r *rand.Rand, s *qaState, bufs *[nfiles][]byte, at *Counts, product *catalog.Product, p productShape) {
	texts := g.pools.qaTexts[p.category][nounOf(&categories[p.category], product.Name)]
	for range questionsPerProduct.draw(shape) {
		at.Questions++
		topic := &texts[r.IntN(len(texts))]
		q := g.pools.question(r, s, topic, at.Questions, product.ID)
		bufs[fileQuestions] = csv.Questions.Append(bufs[fileQuestions], q)
		for range answersPerQuestion.draw(shape) {
			at.Answers++
			a := g.pools.answer(r, topic, at.Answers, q)
			bufs[fileAnswers] = csv.Answers.Append(bufs[fileAnswers], a)
			g.renderAnswerPhotos(r, bufs, at, photosPerAnswer.draw(shape))
		}
	}
}

// renderAnswerPhotos writes n photos of the answer at.Answers.
func (g *generator) renderAnswerPhotos(r *rand.Rand, bufs *[nfiles][]byte, at *Counts, n int) {
	first := at.AnswerPhotos + 1
	// A few answers list their first two photos in reverse id order, as
	// the real file does.
	swap := n >= 2 && r.IntN(20) == 0
	for i := range int64(n) {
		id := first + i
		if swap && i < 2 {
			id = first + 1 - i
		}
		bufs[fileAnswerPhotos] = csv.AnswerPhotos.Append(bufs[fileAnswerPhotos], catalog.AnswerPhoto{
			ID: id, AnswerID: at.Answers, URL: g.pools.answerPhotos[r.IntN(len(g.pools.answerPhotos))],
		})
	}
	at.AnswerPhotos += int64(n)
}

// qaPools are the Q&A texts, made once from the seed.
type qaPools struct {
	qaTexts      [][][]qaTexts // by category, then noun, then topic
	qaHandles    []string
	qaEmails     []string
	answerPhotos []string
}

// qaTexts are a topic's texts about the products named after one noun
// ("… Joggers"): its questions, its shoppers' answers, alone and followed
// by an afterword, and the seller's.
type qaTexts struct {
	questions, answers, followed, seller []string
}

func newQAPools(seed uint64) qaPools {
	r := rand.New(rand.NewPCG(seed, 1<<62|2))
	var p qaPools
	// Answers name no noun: a topic's are made once, for every noun.
	answers := map[*qaTopic]qaTexts{}
	for _, c := range categories {
		var topics []*qaTopic
		for i := range qaTopics {
			topics = append(topics, &qaTopics[i])
		}
		for i := range c.topics {
			topics = append(topics, &c.topics[i])
		}
		var byNoun [][]qaTexts
		for _, noun := range c.nouns {
			var texts []qaTexts
			for _, topic := range topics {
				t, ok := answers[topic]
				if !ok {
					t = topicAnswers(topic)
					answers[topic] = t
				}
				t.questions = fill(topic.questions, noun)
				texts = append(texts, t)
			}
			byNoun = append(byNoun, texts)
		}
		p.qaTexts = append(p.qaTexts, byNoun)
	}
	// Fewer names than the reviews have, as in the real files: small
	// pools stay in the CPU's cache, and a row costs less.
	for range 2000 {
		p.qaHandles = append(p.qaHandles, qaHandle(r))
		p.qaEmails = append(p.qaEmails, oneOf(r, firstNames)+"."+oneOf(r, lastNames)+"@"+oneOf(r, emailDomains))
	}
	for range 1000 {
		p.answerPhotos = append(p.answerPhotos, unsplash(r)+"&w="+oneOf(r, answerPhotoWidths)+"&q=80")
	}
	return p
}

// topicAnswers returns a topic's answers: its shoppers', alone and
// followed by an afterword, and the seller's.
func topicAnswers(topic *qaTopic) qaTexts {
	t := qaTexts{answers: slices.Concat(topic.answers, qaGenericAnswers), seller: topic.seller}
	if len(t.seller) == 0 {
		t.seller = sellerAnswers
	}
	for _, a := range t.answers {
		if strings.HasSuffix(a, "?") {
			continue
		}
		if !strings.ContainsAny(a[len(a)-1:], ".!") {
			a += "."
		}
		for _, w := range qaAfterwords {
			t.followed = append(t.followed, a+" "+w)
		}
	}
	return t
}

// qaHandle draws an asker's or answerer's name, a short handle like the
// real ones ("coolkid", "l33tgamer"), now and then a first and last name
// run together ("willsmith") or with a number ("rhcp81").
func qaHandle(r *rand.Rand) string {
	if r.IntN(10) == 0 {
		return oneOf(r, firstNames) + oneOf(r, lastNames)
	}
	h := oneOf(r, qaHandleStarts) + oneOf(r, qaHandleEnds)
	if r.IntN(5) == 0 {
		h += strconv.Itoa(10 + r.IntN(90))
	}
	return h
}

// question draws the question id about product productID, on topic t.
// One in 50 has the last question's date, as some real ones share theirs;
// half the reported ones are shouting nonsense.
func (p *pools) question(r *rand.Rand, s *qaState, t *qaTexts, id, productID int64) catalog.Question {
	q := catalog.Question{ID: id, ProductID: productID}
	if s.date == 0 || r.IntN(50) != 0 {
		s.date = firstQuestionDate + r.Int64N(lastQADate-firstQuestionDate)
	}
	q.Date = time.UnixMilli(s.date)
	q.Reported = r.IntN(100) < 3
	if q.Reported && r.IntN(2) == 0 {
		q.Body = oneOf(r, spamQuestions)
	} else {
		q.Body = oneOf(r, t.questions)
	}
	q.AskerName, q.AskerEmail = oneOf(r, p.qaHandles), catalog.Some(oneOf(r, p.qaEmails))
	q.Helpfulness = qaHelpfulness(r)
	return q
}

// answer draws the answer id to question q, on topic t: one in ten by the
// seller, of which three in ten have no email, as in the real file.
func (p *pools) answer(r *rand.Rand, t *qaTexts, id int64, q catalog.Question) catalog.Answer {
	a := catalog.Answer{ID: id, QuestionID: q.ID, Date: answerDate(r, q.Date.UnixMilli())}
	if r.IntN(10) == 0 {
		a.Body, a.AnswererName = oneOf(r, t.seller), seller
		if r.IntN(10) >= 3 {
			a.AnswererEmail = catalog.Some(oneOf(r, p.qaEmails))
		}
	} else {
		if r.IntN(5) == 0 {
			a.Body = oneOf(r, t.followed)
		} else {
			a.Body = oneOf(r, t.answers)
		}
		a.AnswererName, a.AnswererEmail = oneOf(r, p.qaHandles), catalog.Some(oneOf(r, p.qaEmails))
	}
	a.Reported = r.IntN(100) < 3
	a.Helpfulness = qaHelpfulness(r)
	return a
}

// answerDate draws when an answer to a question asked at asked was
// written: mostly within days, some months later, never before the
// question nor after the span.
func answerDate(r *rand.Rand, asked int64) time.Time {
	const day = 24 * 60 * 60 * 1000
	var delay int64
	switch x := r.IntN(100); {
	case x < 50:
		delay = r.Int64N(3 * day)
	case x < 85:
		delay = r.Int64N(30 * day)
	default:
		delay = r.Int64N(300 * day)
	}
	if asked+delay >= lastQADate {
		delay = r.Int64N(lastQADate - asked)
	}
	return time.UnixMilli(asked + delay)
}

// qaHelpfulness draws how many shoppers found a question or an answer
// helpful: mostly a few, up to 25, and a few up to 50.
func qaHelpfulness(r *rand.Rand) int64 {
	switch x := r.IntN(100); {
	case x < 45:
		return r.Int64N(5)
	case x < 80:
		return 5 + r.Int64N(6)
	case x < 97:
		return 11 + r.Int64N(15)
	}
	return 26 + r.Int64N(25)
}
