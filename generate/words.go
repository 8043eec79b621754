package generate

// Word lists the generated catalog is made of.
//
// A category is one kind of product: its products are named after its
// nouns, and take its slogans, its description sentences (about the
// product's own noun) and its features, so that a product's name,
// description and features agree. Clothing categories take sizes XS to
// XXL, footwear 7 to 12.

type category struct {
	name  string
	nouns []string
	shoes bool
	// characteristics are what reviews of its products vote on.
	characteristics *characteristicSets
	// topics are what shoppers ask about its products, beside qaTopics.
	topics []qaTopic
	// slogans start a slogan; sloganEnds end it.
	slogans []string
	// sentences describe a product, beside sharedSentences: a %s is its
	// noun, in lower case. Each reads with the kind's nouns, singular
	// ("jacket") or plural ("joggers"), and names no other noun.
	sentences []string
	features  []featureKind
}

type featureKind struct {
	name   string
	values []string // empty: the feature has no value (null)
}

// Every category has at least as many features as a product draws (5),
// so that a product has each feature once.
var categories = []category{
	{
		name: "Jackets", nouns: []string{"Jacket", "Parka", "Windbreaker", "Anorak", "Coat", "Puffer"},
		characteristics: &clothingCharacteristics, topics: clothingTopics,
		slogans: []string{"Weather, meet your match", "Warm when it counts", "Built for the long haul",
			"Made for the city, ready for the trail", "The last layer you'll need"},
		sentences: []string{
			"The %s keeps the wind out and the warmth in.",
			"A high collar and a storm flap make the %s ready for the worst of the weather.",
			"Cut to layer over anything, the %s moves when you move.",
			"Taped seams make the %s a pleasure on the wettest days.",
		},
		features: []featureKind{
			{"Shell", []string{"Nylon Ripstop", "Recycled Polyester", "Waxed Cotton", "Wool Blend", "Softshell"}},
			{"Insulation", []string{"600-Fill Down", "Synthetic Fill", "Fleece Lining", "Unlined"}},
			{"Closure", []string{"Two-Way Zip", "Snap Buttons", "Toggle Buttons", "Storm Flap"}},
			{"Windproof", nil},
			{"Hood", []string{"Detachable", "Adjustable", "Stowaway", `Fixed, 2" brim`}},
			{"Pockets", []string{"Two Hand Pockets", "Chest Pocket", "Interior Media Pocket"}},
			{"Fair Trade Certified", nil},
		},
	},
	{
		name: "Pants", nouns: []string{"Joggers", "Slacks", "Trousers", "Chinos", "Jeans", "Cargos"},
		characteristics: &clothingCharacteristics, topics: clothingTopics,
		slogans: []string{"Blend in to your crowd", "Comfortable for everything, or nothing", "From desk to dinner",
			"Broken in from day one", "Your new favourite pair"},
		sentences: []string{
			"The %s sit right at the waist and taper to the ankle.",
			"Cut for movement and washed for softness, the %s only get better with wear.",
			"Deep pockets and a gusseted crotch make the %s ready for anything.",
			"The %s keep their shape all day, and wash after wash.",
		},
		features: []featureKind{
			{"Fabric", []string{"100% Cotton", "98% Cotton 2% Elastane", "Denim", "Twill", "Corduroy", "Linen"}},
			{"Cut", []string{"Skinny", "Slim", "Straight", "Relaxed", "Tapered"}},
			{"Inseam", []string{`30"`, `32"`, `34"`}},
			{"Machine Washable", nil},
			{"Rise", []string{"Low", "Mid", "High"}},
			{"Waist", []string{"Button & Zip", "Drawstring", "Elastic"}},
			{"Fit", []string{`Runs "true to size"`, "Runs small", "Runs large"}},
		},
	},
	{
		name: "Shirts", nouns: []string{"Shirt", "Tee", "Polo", "Henley", "Tank"},
		characteristics: &clothingCharacteristics, topics: clothingTopics,
		slogans: []string{"Make yourself a morning person", "Dress up, dress down", "Your new favourite",
			"Light as a feather", "Soft from the first wash"},
		sentences: []string{
			"The %s is cut from a soft, breathable fabric that gets better with every wash.",
			"A modern fit and a classic cut: the %s shows off both.",
			"Tonal stitching and a taped neck make the %s a daily pleasure.",
			"The %s tucks in for the office and hangs loose for the weekend.",
		},
		features: []featureKind{
			{"Fabric", []string{"100% Cotton", "Pima Cotton", "Slub Jersey", "Pique Cotton", "Linen", "60% Cotton 40% Polyester"}},
			{"Cut", []string{"Slim", "Classic", "Relaxed", "Boxy"}},
			{"Pre-Shrunk", nil},
			{"Weight", []string{"Lightweight", "Midweight", "Heavyweight"}},
			{"Stitching", []string{"Double Stitch", "Cross Stitch", "Blind Stitch"}},
			{"Fit", []string{`Runs "true to size"`, "Runs small", "Runs large"}},
			{"Fair Trade Certified", nil},
		},
	},
	{
		name: "Shorts", nouns: []string{"Shorts", "Trunks", "Cutoffs", "Bermudas"},
		characteristics: &clothingCharacteristics, topics: clothingTopics,
		slogans: []string{"Sun's out", "A risky call in the spring or fall", "Ready for the water", "Summer, sorted",
			"Light as a feather"},
		sentences: []string{
			"The %s are light enough for the hottest days of the year.",
			"A comfortable waist keeps the %s right where you want them.",
			"The %s stop just above the knee, from the pool to the patio.",
			"Deep pockets give the %s room for your keys, your phone and more.",
		},
		features: []featureKind{
			{"Fabric", []string{"Quick-Dry Nylon", "Cotton Twill", "Denim", "Linen", "Seersucker"}},
			{"Inseam", []string{`5"`, `7"`, `9"`}},
			{"UV Protection", nil},
			{"Waist", []string{"Elastic", "Drawstring", "Button & Zip"}},
			{"Lining", []string{"Mesh Brief", "Unlined"}},
			{"Pockets", []string{"Two Side Pockets", "Zip Back Pocket", "Cargo Pockets"}},
			{"Sustainably Sourced", nil},
		},
	},
	{
		name: "Sweaters", nouns: []string{"Sweater", "Cardigan", "Hoodie", "Pullover", "Crewneck"},
		characteristics: &clothingCharacteristics, topics: clothingTopics,
		slogans: []string{"Warm when it counts", "Cozy by design", "Comfortable for everything, or nothing",
			"For the first cold morning", "Layer up"},
		sentences: []string{
			"The %s is knit from a soft yarn that keeps you warm without the weight.",
			"Ribbed cuffs and a ribbed hem help the %s keep its shape.",
			"Throw the %s on over anything on the first cold morning.",
			"The %s is soft from the first wear and only gets softer.",
		},
		features: []featureKind{
			{"Material", []string{"Merino Wool", "Lambswool", "Cashmere", "Cotton Fleece", "Alpaca Blend"}},
			{"Knit", []string{"Cable Knit", "Rib Knit", "Waffle Knit", "Jersey Knit"}},
			{"Hand Wash Only", nil},
			{"Weight", []string{"Lightweight", "Midweight", "Heavyweight"}},
			{"Fit", []string{`Runs "true to size"`, "Runs small", "Oversized"}},
			{"Pilling Resistant", nil},
		},
	},
	{
		name: "Dresses", nouns: []string{"Dress", "Sundress", "Shirtdress", "Romper", "Jumpsuit"},
		characteristics: &clothingCharacteristics, topics: clothingTopics,
		slogans: []string{"Made for long summer evenings", "Twirl-tested", "From brunch to the dance floor",
			"Effortless, all day", "Stand out, or don't"},
		sentences: []string{
			"The %s falls just right and moves with you.",
			"A light fabric and a relaxed cut make the %s the easiest thing you'll wear all summer.",
			"The %s has pockets. Yes, pockets.",
			"Wear the %s with flats by day and heels by night.",
		},
		features: []featureKind{
			{"Fabric", []string{"Cotton Poplin", "Linen", "Rayon", "Silk Blend", "Jersey"}},
			{"Length", []string{"Mini", "Knee Length", "Midi", "Maxi"}},
			{"Neckline", []string{"V-Neck", "Square Neck", "Crew Neck", "Halter"}},
			{"Pockets", nil},
			{"Sleeves", []string{"Sleeveless", "Short Sleeve", "Puff Sleeve", "Long Sleeve"}},
			{"Closure", []string{"Hidden Back Zip", "Button Front", "Pull-On"}},
			{"Fit", []string{`Runs "true to size"`, "Runs small", "Runs large"}},
		},
	},
	{
		name: "Accessories", nouns: []string{"Cap", "Beanie", "Scarf", "Bucket Hat", "Headband"},
		characteristics: &accessoryCharacteristics, topics: accessoryTopics,
		slogans: []string{"The finishing touch", "Small thing, big difference", "Top it off", "One size fits most",
			"You've got to accessorize"},
		sentences: []string{
			"The %s is the finishing touch on a cold morning.",
			"Soft against the skin, the %s goes with everything in your closet.",
			"The %s folds flat, so it fits in any bag.",
			"Made in a small mill, the %s is finished by hand.",
		},
		features: []featureKind{
			{"Material", []string{"Merino Wool", "Organic Cotton", "Cashmere", "Fleece", "Acrylic Knit", "Waxed Cotton"}},
			{"Lining", []string{"Fleece", "Satin", "Unlined"}},
			{"Fair Trade Certified", nil},
			{"Trim", []string{"Leather Patch", "Embroidered Logo", "Woven Label"}},
			{"Care", []string{"Hand Wash", "Machine Wash Cold", "Spot Clean"}},
			{"Made In", []string{"Scotland", "Portugal", "Peru", "Italy"}},
			{"Sustainably Sourced", nil},
		},
	},
	{
		name: "Kicks", nouns: []string{"Sneakers", "Trainers", "High Tops", "Runners", "Kicks"}, shoes: true,
		characteristics: &shoeCharacteristics, topics: shoeTopics,
		slogans: []string{"A sneaker dynasty", "Faster than just about anything", "Just jumped over jumpman",
			"Built for the long haul", "Go the distance"},
		sentences: []string{
			"Constructed with a supple upper and a grippy sole, the %s go anywhere.",
			"A padded collar and a pull-loop make the %s a daily pleasure.",
			"The %s cushion every step, from the first mile to the last.",
			"Lace up the %s and get moving.",
		},
		features: []featureKind{
			{"Upper", []string{"Knit Mesh", "Suede", "Full Grain Leather", "Canvas"}},
			{"Sole", []string{"Rubber", "Gum Rubber", "Foam"}},
			{"Mid-Sole", []string{"ControlSupport Arch Bridge", "Air Cushion", "Gel"}},
			{"Vegan", nil},
			{"Lacing", []string{"Flat Laces", "Round Laces", "Slip-On"}},
			{"Material", []string{"FullControlSkin", "Armor Weave", "Mesh"}},
			{"Fit", []string{`Runs "true to size"`, "Runs small", "Runs narrow"}},
		},
	},
	{
		name: "Dress Shoes", nouns: []string{"Oxfords", "Loafers", "Brogues", "Derbies", "Monks"}, shoes: true,
		characteristics: &shoeCharacteristics, topics: shoeTopics,
		slogans: []string{"Step into the room", "Polished, never stuffy", "Sharp from toe to heel", "Made to be resoled",
			"For the big days"},
		sentences: []string{
			"The %s are cut from fine leather and finished by hand.",
			"A leather sole and a stacked heel give the %s a classic step.",
			"Built to be resoled, the %s will see you through the years.",
			"The %s go from the office to a wedding without missing a beat.",
		},
		features: []featureKind{
			{"Upper", []string{"Full Grain Leather", "Patent Leather", "Suede", "Calfskin"}},
			{"Sole", []string{"Leather", "Rubber", "Leather with Rubber Heel"}},
			{"Construction", []string{"Goodyear Welt", "Blake Stitch", "Cemented"}},
			{"Resoleable", nil},
			{"Toe", []string{"Cap Toe", "Plain Toe", "Wingtip", "Apron Toe"}},
			{"Lining", []string{"Leather", "Calf Leather", "Unlined"}},
			{"Fit", []string{`Runs "true to size"`, "Runs small", "Runs wide"}},
		},
	},
	{
		name: "Boots", nouns: []string{"Boots", "Chelseas", "Hikers", "Lace-Ups"}, shoes: true,
		characteristics: &shoeCharacteristics, topics: shoeTopics,
		slogans: []string{"Built for the long haul", "Now you can get to stomping", "Warm to the toes",
			"Any weather, any trail", "Break them in, keep them forever"},
		sentences: []string{
			"The %s have a lugged sole that grips on ice, mud and rock.",
			"Sealed seams keep the %s dry through the worst of the weather.",
			"The %s need a week to break in, then last for years.",
			"A padded collar keeps the %s comfortable from the first step to the last.",
		},
		features: []featureKind{
			{"Upper", []string{"Oiled Leather", "Suede", "Waterproof Leather", "Nubuck"}},
			{"Sole", []string{"Lug Rubber", "Vibram Rubber", "Crepe"}},
			{"Shaft Height", []string{"Ankle", `6"`, `8"`}},
			{"Waterproof", nil},
			{"Lining", []string{"Shearling", "Waterproof Membrane", "Leather"}},
			{"Insole", []string{"Cork", "Memory Foam", "Removable Footbed"}},
			{"Fit", []string{`Runs "true to size"`, "Runs small", "Runs large"}},
		},
	},
	{
		name: "Sandals", nouns: []string{"Sandals", "Slides", "Flip Flops", "Clogs"}, shoes: true,
		characteristics: &shoeCharacteristics, topics: shoeTopics,
		slogans: []string{"Sun's out, toes out", "Made for the boardwalk", "Easy on, easy off", "Summer, sorted",
			"Your feet will thank you"},
		sentences: []string{
			"A contoured footbed makes the %s comfortable all day long.",
			"The %s go from the beach to the café without a second thought.",
			"Slip the %s on and head out the door.",
			"Soft straps keep the %s in place without rubbing.",
		},
		features: []featureKind{
			{"Footbed", []string{"Cork", "Memory Foam", "Contoured EVA"}},
			{"Straps", []string{"Leather", "Webbing", "Rubber", "Suede"}},
			{"Water Friendly", nil},
			{"Sole", []string{"Rubber", "EVA Foam", "Recycled Rubber"}},
			{"Closure", []string{"Buckle", "Hook and Loop", "Slip-On"}},
			{"Arch Support", []string{"Low", "Medium", "High"}},
			{"Vegan", nil},
		},
	},
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

var sloganEnds = []string{"", "", ".", "!", " this season.", " all year round.", ", guaranteed."}

// sharedSentences describe a product of any kind, as its sentences do.
var sharedSentences = []string{
	"Pair the %s with anything: it's that easy.",
	"Our designers call the %s \"what we wear on weekends\".",
	"Made to last, the %s will look as good in ten years as on the first day.",
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
		questions: []string{"What material is used for the %s?", "Is it real wool?", "Does the %s come in a gift box?"},
		answers:   []string{"Wool, I think.", "Wool, and it's not itchy.", "Yes, in a little box.", "Acrylic, but it feels soft."},
		seller:    []string{"See the features for the materials.", "Yes, it comes in a gift box."},
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
