package generate

// Word lists the generated catalog is made of. Clothing categories take
// sizes XS to XXL, footwear 7 to 12.

type category struct {
	name  string
	nouns []string
	shoes bool
}

var categories = []category{
	{"Jackets", []string{"Jacket", "Onesie", "Parka", "Windbreaker", "Blazer", "Coat"}, false},
	{"Pants", []string{"Joggers", "Slacks", "Trousers", "Chinos", "Jeans", "Cargos"}, false},
	{"Shirts", []string{"Shirt", "Tee", "Polo", "Henley", "Button Down"}, false},
	{"Shorts", []string{"Shorts", "Trunks", "Board Shorts"}, false},
	{"Sweaters", []string{"Sweater", "Cardigan", "Hoodie", "Pullover"}, false},
	{"Dresses", []string{"Dress", "Sundress", "Gown", "Romper"}, false},
	{"Accessories", []string{"Sunglasses", "Cap", "Beanie", "Scarf", "Belt", "Gloves"}, false},
	{"Kicks", []string{"Kicks", "Sneakers", "Trainers", "High Tops", "Runners"}, true},
	{"Dress Shoes", []string{"Oxfords", "Loafers", "Brogues", "Derbies"}, true},
	{"Boots", []string{"Boots", "Chelseas", "Hikers"}, true},
	{"Sandals", []string{"Sandals", "Slides", "Flip Flops"}, true},
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
