package generate

// Word lists the generated catalog is made of. Clothing categories take
// sizes XS to XXL, footwear 7 to 12.

type category struct {
	name  string
	nouns []string
	shoes bool
	// characteristics are what reviews of its products vote on.
	characteristics *characteristicSets
	// topics are what shoppers ask about its products, beside qaTopics.
	topics []qaTopic
}

var categories = []category{
	{"Jackets", []string{"Jacket", "Onesie", "Parka", "Windbreaker", "Blazer", "Coat"}, false, &clothingCharacteristics, clothingTopics},
	{"Pants", []string{"Joggers", "Slacks", "Trousers", "Chinos", "Jeans", "Cargos"}, false, &clothingCharacteristics, clothingTopics},
	{"Shirts", []string{"Shirt", "Tee", "Polo", "Henley", "Button Down"}, false, &clothingCharacteristics, clothingTopics},
	{"Shorts", []string{"Shorts", "Trunks", "Board Shorts"}, false, &clothingCharacteristics, clothingTopics},
	{"Sweaters", []string{"Sweater", "Cardigan", "Hoodie", "Pullover"}, false, &clothingCharacteristics, clothingTopics},
	{"Dresses", []string{"Dress", "Sundress", "Gown", "Romper"}, false, &clothingCharacteristics, clothingTopics},
	{"Accessories", []string{"Sunglasses", "Cap", "Beanie", "Scarf", "Belt", "Gloves"}, false, &accessoryCharacteristics, accessoryTopics},
	{"Kicks", []string{"Kicks", "Sneakers", "Trainers", "High Tops", "Runners"}, true, &shoeCharacteristics, shoeTopics},
	{"Dress Shoes", []string{"Oxfords", "Loafers", "Brogues", "Derbies"}, true, &shoeCharacteristics, shoeTopics},
	{"Boots", []string{"Boots", "Chelseas", "Hikers"}, true, &shoeCharacteristics, shoeTopics},
	{"Sandals", []string{"Sandals", "Slides", "Flip Flops"}, true, &shoeCharacteristics, shoeTopics},
}

var clothingSizes = []string{"XS", "S", "M", "L", "XL", "XXL"}

var shoeSizes = []string{"7", "7.5", "8", "8.5", "9", "9.5", "10", "10.5", "11", "11.5", "12"}

var adjectives = []string{
	"Bright", "Morning", "Summer", "Winter", "Urban", "Classic", "Heritage", "Pumped Up", "Infinity",
	"Slacker's", "Heir", "Blues", "Midnight", "Alpine", "Coastal", "Desert", "Electric", "Vintage",
	"Everyday", "Weekend", "Trail", "Harbor", "Canyon", "Velvet", "Rustic", "Nomad", "Metro", "Lunar",
	"Solar", "Prairie", "Glacier", "Willow", "Maple", "Cedar", "Juniper", "Saffron", "Indigo", "Crimson",
}

var colours = []string{
	"Black", "White", "Grey", "Forest Green", "Desert Brown", "Ocean Blue", "Digital Red", "Sky Blue",
	"Dark Grey", "Olive Green", "Tan", "Khaki", "Maroon", "Goldenrod", "Chartreuse", "Pink", "Butter",
	"Lavender", "Cyan", "Navy", "Burgundy", "Mustard", "Teal", "Coral", "Charcoal", "Ivory", "Plum",
}

var patterns = []string{"", "", "", " & Black", " & White", " & Tan", " & Grey", " Stripe", " Plaid", " Camo"}

var sloganStarts = []string{
	"Blend in to your crowd", "You've got to wear shades", "Make yourself a morning person",
	"Comfortable for everything, or nothing", "A sneaker dynasty", "Faster than just about anything",
	"Just jumped over jumpman", "A risky call in the spring or fall", "Built for the long haul",
	"Made for the city, ready for the trail", "Your new favourite", "Dress up, dress down",
	"Light as a feather", "Stand out, or don't", "The last one you'll need",
}

var sloganEnds = []string{"", "", ".", "!", " this season.", " all year round.", ", guaranteed."}

var sentences = []string{
	"The %s will wake you up and fit you in.",
	"Whether you're a morning person or not, everyone looks good in the %s.",
	"Where you're going you might not need roads, but you definitely need the %s.",
	"This %s shows off a modern look with a classic cut.",
	"Constructed with a supple upper and a classic rubber sole, the %s goes anywhere.",
	"Tonal stitching, a padded collar and a pull-loop make the %s a daily pleasure.",
	"The %s is cut for movement, washed for softness and made to last.",
	"Pair the %s with anything: it's that easy.",
	"Our designers call the %s \"the one we wear on weekends\".",
	"Sustainably sourced, fair trade certified: the %s feels as good as it looks.",
}

type featureKind struct {
	name   string
	values []string // empty: the feature has no value (null)
}

var features = []featureKind{
	{"Fabric", []string{"Canvas", "100% Cotton", "99% Cotton 1% Elastic", "Cashmere", "Denim", "Linen", "95% Cotton, 5% Elastic"}},
	{"Buttons", []string{"Brass", "Wooden", "Plastic", "Mother of Pearl"}},
	{"Lenses", []string{"Ultrasheen", "Polarized", "Ultrasheen Gold"}},
	{"Frames", []string{"LightCompose", "AllLight Composition Resin", "Titanium"}},
	{"Cut", []string{"Skinny", "Loose", "Straight", "Relaxed", "Slim"}},
	{"Sole", []string{"Rubber", "Foam", "Leather"}},
	{"Material", []string{"FullControlSkin", "Armor Weave", "Suede", "Mesh"}},
	{"Mid-Sole", []string{"ControlSupport Arch Bridge", "Air Cushion", "Gel"}},
	{"Stitching", []string{"Double Stitch", "Cross Stitch", "Blind Stitch"}},
	{"Inseam", []string{`30"`, `32"`, `34"`, `5" Inseam`}},
	{"Fit", []string{`Runs "true to size"`, "Runs small", "Runs large"}},
	{"UV Protection", nil},
	{"Fair Trade Certified", nil},
	{"Non-GMO", nil},
	{"Sustainably Sourced", nil},
	{"5 Year Warranty", nil},
	{"Satisfaction Guaranteed", nil},
}

var photoWidths = []string{"668", "1000", "1650", "2734", "2775", "2800"}

// Review words. Moods index them: 0 for ratings 1 and 2, 1 for 3, 2 for 4
// and 5. A %s is a noun of the product's category, in lower case.

// characteristicSets are the sets of characteristics a kind of product is
// reviewed on, drawn by weight: 3.35 a product on average, as in the real
// files (which have every product's characteristics, reviewed or not).
var (
	clothingCharacteristics = characteristicSets{
		weights: []int{75, 15, 10},
		sets:    [][]string{{"Fit", "Length", "Comfort", "Quality"}, {"Fit", "Comfort", "Quality"}, {"Quality"}},
	}
	shoeCharacteristics = characteristicSets{
		weights: []int{75, 15, 10},
		sets:    [][]string{{"Size", "Width", "Comfort", "Quality"}, {"Size", "Comfort", "Quality"}, {"Quality"}},
	}
	accessoryCharacteristics = characteristicSets{
		weights: []int{70, 30},
		sets:    [][]string{{"Quality"}, {"Comfort", "Quality"}},
	}
)

var summaryTemplates = [3][]string{
	{
		"I'm not a fan!", "Not what I expected", "The %s fell apart", "Would not buy again", "Disappointed",
		"Runs way too small", "Returned the %s", "Cheaply made", "Save your money", "The %s did not last",
		"Not worth the price", "Looked better in the photos", "Uncomfortable", "Wrong color",
	},
	{
		"This product was ok!", "The %s is fine", "Not bad, not great", "It does the job", "Decent %s for the price",
		"Runs a little small", "Okay for the price", "They're heavy but fine", "Good, not great", "Average %s",
		"A little tight", "Mixed feelings about the %s",
	},
	{
		"This product was great!", "Love the %s!", "Best %s I've owned", "These are great!", "Great %s, great price",
		"I'm enjoying wearing these", "Would buy again", "Exactly as pictured", "So comfortable!", "Perfect fit",
		"Five stars for the %s", "I am liking the %s", "They look good on me", "Best fit ever!", "Worth every penny",
		"My new favorite %s", "Great quality", "Buying another one",
	},
}

var bodyTemplates = [3][]string{
	{
		"I really did not like the %s.", "It started falling apart after a week.", "The stitching came loose on the second wear.",
		"I don't like them.", "The color is nothing like the photos.", "It runs very small, order two sizes up.",
		"I sent the %s back and I am still waiting for my refund.", "The material feels cheap and scratchy.",
		"Not worth the money, sadly.", "I wanted to love the %s, but I just can't.",
		"They call it \"true to size\", and it isn't.",
	},
	{
		"They're fine but I wouldn't buy again.", "A little tight on the waist.", "It's okay for the price.",
		"The %s is comfortable enough, nothing special.", "I like them but they run wide.",
		"The fabric is a bit thin, but it does the job.", "It took a while to arrive.",
		"I expected more from the %s, to be honest.", "Good for everyday wear, not for anything fancy.",
		"It's \"okay\", as my friend put it.",
	},
	{
		"I really like the %s.", "Best fit ever!", "Comfortable and practical.", "Now I can get to stomping!",
		"I so stylish and just my aesthetic.", "They are very dark.  But that's good because I'm in very sunny spots.",
		"I wear the %s every day.", "The quality is great for the price.", "Everyone asks me where I got my %s.",
		"It fits like it was made for me.", "I bought one in every color.", "Would absolutely buy the %s again.",
		"The \"oversized\" fit is exactly what I wanted.",
	},
}

// aspects and verdictPredicates make more sentences of each mood: "The
// fabric is great."
var aspects = []string{"The fabric", "The color", "The stitching", "The fit", "The material", "The finish", "The quality", "The cut"}

var verdictPredicates = [3][]string{
	{"is terrible.", "disappointed me.", "is worse than the photos suggest.", "is not worth the money.", "feels cheap.",
		"fell apart fast.", "is a letdown!"},
	{"is fine.", "could be better.", "is about what you'd expect.", "is okay for the price.", "is nothing special.",
		"is decent."},
	{"is great!", "exceeded my expectations.", "is better than I hoped.", "feels premium.", "is exactly as described.",
		"is perfect!", "is just right.", "impressed me."},
}

// remarks go into a body whatever its mood.
var remarks = []string{
	"I ordered my usual size.", "Shipping was quick.", "I wore the %s to a wedding.", "My partner borrowed the %s.",
	"I have worn it about ten times now.", "Washed it twice, no shrinking.", "It came well packaged.",
	"I really did or did not like this product based on whether it was sustainably sourced.",
	"Then I found out that it's made from nothing at all.", "I pair the %s with jeans.",
	"I bought the %s on sale.", "I'm 5'9\" and 160 lbs, for reference.",
}

var responses = [3][]string{
	{"Sorry to hear. Is there anything in particular you don't like?", "We're sorry the product didn't work out. Please contact our support team.",
		"Thanks for your feedback!"},
	{"Thanks for your feedback!", "Thank you for the review!"},
	{"Glad you're enjoying the product!", "Thanks for your feedback!", "Thank you for the kind words!"},
}

var (
	handleStarts = []string{
		"fun", "big", "thin", "short", "my", "fashion", "shop", "figuring", "happy", "lazy", "sunny", "cozy", "urban",
		"night", "coffee", "trail", "style", "mainstream", "negative", "bright", "quiet", "wild", "true", "little",
	}
	handleEnds = []string{
		"time", "brother", "foot", "person", "addict", "itout", "andsweeet", "mother", "lover", "queen", "king",
		"runner", "walker", "shopper", "mom", "dad", "fan", "guru", "ity", "one", "bear", "cat", "bird", "owl",
	}
	firstNames = []string{
		"jim", "benjamin", "anna", "maria", "james", "john", "mary", "linda", "david", "sarah", "kevin", "laura",
		"chris", "emma", "olivia", "noah", "liam", "sophia", "mason", "ava", "lucas", "mia", "ethan", "zoe",
	}
	lastNames = []string{
		"smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis", "rodriguez", "martinez",
		"lee", "walker", "hall", "allen", "young", "king", "wright", "scott", "green", "baker", "adams", "nelson",
	}
	emailDomains = []string{"gmail.com", "gmail.com", "gmail.com", "gmail.com", "yahoo.com", "aol.com", "hotmail.com", "cbs.com"}
)

var reviewPhotoWidths = []string{"668", "975", "1650", "1652", "3028"}

// Q&A words. A topic's questions, its shoppers' answers and the seller's.
// A %s in a question is a noun of the product's category, in lower case, in
// a sentence that reads whether the noun is singular ("jacket") or plural
// ("joggers"); footwear nouns are all plural. Answers name no noun.

type qaTopic struct {
	questions, answers, seller []string
}

// qaTopics are asked about every product.
var qaTopics = []qaTopic{
	{
		questions: []string{"Where is this product made?", "Which country is this made in?", "Who manufactures the %s?"},
		answers: []string{"China", "Made locally!", "Vietnam, according to the tag.", "Portugal", "The label says Mexico.",
			"I think it's made in Italy.", "Somewhere in Europe, I believe."},
		seller: []string{"Made locally!", "Manufactured in Mexico City.", "It's made in our own factory in Portugal."},
	},
	{
		questions: []string{"Where does this product ship from?", "How long does shipping take?", "Can I get the %s shipped overseas?"},
		answers: []string{"Mine came in three days.", "It ships from the warehouse in Tulsa.", "Mine was delivered from Ohio.",
			"About a week for me.", "Mine took almost a month, so order early."},
		seller: []string{"We ship from our warehouse in Oklahoma within two business days.", "We ship worldwide!"},
	},
	{
		questions: []string{"Why is this product cheaper here than other sites?", "Will the %s go on sale soon?",
			"Is there a discount if I buy two?"},
		answers: []string{"I got mine on sale.", "No idea, but it's a great deal.", "Prices drop around the holidays.",
			"This product is overstocked here!"},
		seller: []string{"We are selling it here without any markup from the middleman!",
			"We have sales every season, sign up for our newsletter!"},
	},
	{
		questions: []string{"Is this product sustainable?", "Was this product ethically made?", "Is the packaging recyclable?"},
		answers: []string{"It says it's sustainably sourced.", "Not sure, the tag doesn't say.", "The packaging was all paper.",
			"It's made from recycled parts in a green facility."},
		seller: []string{"It's Green Circle certified!", "Yes, every part is sustainably sourced and fair trade certified."},
	},
	{
		questions: []string{"How long does it last?", "How long did the %s last you?", "Does the color fade after washing?"},
		answers: []string{"I've had mine for months and it's still holding up great!", "Two years and counting.",
			"The color faded a little after a few washes.", "Mine wore out after a season.", "Still like new."},
		seller: []string{"It comes with a five year warranty."},
	},
	{
		questions: []string{"Can I return the %s for another size?", "Does it come in a gift box?"},
		answers:   []string{"I returned mine, no problem.", "Yes, returns are free.", "Mine came in a plain box."},
		seller:    []string{"Yes, returns are free within 30 days.", "Gift wrapping is free at checkout."},
	},
	{
		questions: []string{"Is it noise cancelling?", "Does it come with batteries?", "Can I wear the %s on the moon?"},
		answers:   []string{"No?", "I don't think so.", "What?", "Only on Tuesdays."},
	},
}

var clothingTopics = []qaTopic{
	{
		questions: []string{"What fabric is used for the %s?", "What is the fabric like?", "Is it see-through?", "Is the fabric stretchy?"},
		answers: []string{"Cotton, I think.", "Something soft, I can't be sure what.", "It feels like a cotton blend.",
			"It has a little stretch to it.", "Not see-through at all.", "Supposedly linen, but I think it's synthetic."},
		seller: []string{"It's a cotton blend, see the features for details."},
	},
	{
		questions: []string{"Does this product run big or small?", "Should I size up for the %s?",
			"What size should I get in the %s if I'm usually a medium?"},
		answers: []string{"Runs small, I'd say.", "True to size for me.", "Felt a little smaller than my usual size.",
			"Size up if you're between sizes.", "I'm usually a medium and the medium fits perfectly.", "It fit fine for me."},
		seller: []string{"It runs true to size; see the size chart."},
	},
	{
		questions: []string{"Can I wash it?", "Can I machine wash the %s?", "Will the %s shrink in the dryer?"},
		answers: []string{"Yes", "It says not to.", "I wouldn't machine wash it.", "Only if you want to ruin it!",
			"I've washed mine a dozen times and it seems fine.", "Cold wash, hang dry.", `The tag says "dry clean only".`},
		seller: []string{"Machine wash cold, tumble dry low."},
	},
	{
		questions: []string{"How warm does it keep you?", "Is it good for summer?", "Is it waterproof?"},
		answers: []string{"Warm enough for fall, not for winter.", "Too warm for summer.", "It's water resistant, not waterproof.",
			"Perfect for spring."},
	},
}

var shoeTopics = []qaTopic{
	{
		questions: []string{"What is the sole made of?", "Is the upper real leather?", "What are the insoles like?"},
		answers: []string{"Rubber", "It's a rubber sole.", "Synthetic, I think.", "The rubber on the sole wears down fast.",
			"Suede", "Recycled rubber, and it grips well.", "The insoles are thin, I replaced them."},
		seller: []string{"The sole is natural rubber.", "Full grain leather."},
	},
	{
		questions: []string{"Does this product run big or small?", "Are the %s good for wide feet?", "Do the %s run narrow?"},
		answers: []string{"It runs pretty wide on me.", "Half a size small.", "True to size.", "Order a half size up.",
			"Narrow, definitely."},
		seller: []string{"They run true to size; wide sizes are coming soon."},
	},
	{
		questions: []string{"Are the %s comfortable for standing all day?", "Do the %s need breaking in?",
			"Any tips for breaking in the %s?"},
		answers: []string{"Comfy from day one.", "They needed a week to break in.", "I walk in them all day, no problems.",
			"Add an insole and they're perfect.", "Wear them with thick socks for a few days."},
	},
	{
		questions: []string{"Are the %s waterproof?", "Are they good in the snow?"},
		answers:   []string{"Not waterproof, but they dry fast.", "I spray them and they're fine in the rain.", "No, my feet got soaked."},
		seller:    []string{"They are water resistant."},
	},
}

var accessoryTopics = []qaTopic{
	{
		questions: []string{"What material is used for the %s?", "Is it real leather?", "Is there a case included with the %s?"},
		answers:   []string{"Leather, I think.", "Wool, and it's not itchy.", "Yes, a soft pouch.", "Plastic, but it feels sturdy."},
		seller:    []string{"See the features for the materials.", "Yes, it comes with a case."},
	},
	{
		questions: []string{"Is it one size fits all?", "Is it adjustable?", "How big is it?"},
		answers:   []string{"One size, it's adjustable.", "It fit me fine, and I have a big head.", "A bit small for me.", "Yes"},
		seller:    []string{"One size fits most; it's adjustable."},
	},
}

// qaGenericAnswers answer any question; qaAfterwords follow an answer now
// and then.
var (
	qaGenericAnswers = []string{"Yes", "No", "Not sure.", "Good question!", "I don't know, sorry.", "Maybe?"}
	qaAfterwords     = []string{"Hope that helps!", "Love it.", "Check the size chart too.", "Highly recommend.", "Just my experience."}
)

// spamQuestions are what some reported questions say.
var spamQuestions = []string{"HEY IS ANYONE OUT THERE!!!?", "HI EVERYONE?", "TEST QUESTION PLEASE IGNORE?", "WHY IS THIS HERE???"}

// Askers' and answerers' names are short handles ("coolkid", "l33tgamer",
// "skilover81").
var (
	qaHandleStarts = []string{
		"funny", "cool", "silly", "wild", "warm", "iluv", "l33t", "n00b", "too", "ski", "bball", "football", "mets",
		"yankee", "luau", "the", "super", "wonder", "happy", "lucky", "tiny", "sporty", "lazy", "night", "h@cker",
	}
	qaHandleEnds = []string{
		"girl", "guy", "kid", "gamer", "lover", "fan", "child", "man", "woman", "fast", "catz", "dogz", "birds",
		"whiz", "dude", "pal", "ninja", "queen", "king", "reaper",
	}
)

var answerPhotoWidths = []string{"1650", "1651", "1652", "1653", "975"}

// sellerAnswers are the seller's to a topic that has none of its own.
var sellerAnswers = []string{"Thanks for asking! Please contact our support team.", "Yes", "No", "See the product description."}
