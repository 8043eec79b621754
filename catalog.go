// Package catalog holds the domain of the product catalog service: products,
// their styles, photos and SKUs, shopping carts, the services that serve them,
// and the errors those services return. It imports only the standard library.
package catalog

import (
	"context"
	"crypto/rand"
	"math"
	"time"
)

// MaxID is the largest id any entity may have: ids are positive 32-bit integers,
// as in the dataset and in the PostgreSQL schema clients were written against.
const MaxID = math.MaxInt32

// Cents is an amount of money in hundredths of the currency unit. The dataset's
// prices are decimal numbers of whole units ("140"); the wire form is "140.00".
type Cents int64

// Null is a value that may be absent: SQL NULL, the dataset's unquoted null,
// JSON null.
type Null[T any] struct {
	V     T
	Valid bool
}

// Some returns a present value.
func Some[T any](v T) Null[T] { return Null[T]{V: v, Valid: true} }

// Product is one item of the catalog. Features is filled only when a single
// product is asked for.
type Product struct {
	ID           int64
	Name         string
	Slogan       Null[string]
	Description  Null[string]
	Category     Null[string]
	DefaultPrice Cents
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Features     []Feature
}

// Feature is a named property of a product; its value may be absent.
type Feature struct {
	ID        int64
	ProductID int64
	Name      string
	Value     Null[string]
}

// Style is one variant (colour, pattern) of a product, with its own price,
// photos and SKUs.
type Style struct {
	ID            int64
	ProductID     int64
	Name          string
	SalePrice     Null[Cents]
	OriginalPrice Cents
	Default       bool
	Photos        []Photo
	SKUs          []SKU
}

// Photo is an image of a style, full size and thumbnail.
type Photo struct {
	ID           int64
	StyleID      int64
	URL          Null[string]
	ThumbnailURL Null[string]
}

// SKU is one purchasable size of a style and the quantity in stock.
type SKU struct {
	ID       int64
	StyleID  int64
	Size     string
	Quantity int64
}

// Related is one link from a product to another product the storefront
// suggests with it. The dataset has self-links and duplicates; they are data.
type Related struct {
	ID        int64
	ProductID int64
	RelatedID int64
}

// CartLine is one unit of a SKU added to a cart, as the dataset's cart.csv
// records historical carts. Only active lines count.
type CartLine struct {
	ID      int64
	Session string
	SKUID   int64
	Active  bool
}

// CartItem is one SKU in a cart and how many units of it the cart holds.
type CartItem struct {
	SKUID int64
	Count int64
}

// Page selects a run of products in id order: the Number-th run of Size
// products, counting from 1.
type Page struct {
	Number int64
	Size   int64
}

// First returns the list position of the page's first product, from 1.
func (p Page) First() int64 { return (p.Number-1)*p.Size + 1 }

// ProductService reads the catalog: pages of products, and each product's
// documents from the read model, where a request that misses every cache
// costs the store one key lookup, not a join.
type ProductService interface {
	// ListProducts returns the products of a page, without features; a page
	// past the end is empty.
	ListProducts(ctx context.Context, page Page) ([]Product, error)
	// FindDocument returns a product's document of a kind, or ENOTFOUND
	// when the product does not exist.
	FindDocument(ctx context.Context, id int64, kind Document) ([]byte, error)
}

// Document names one of a product's responses as the read model keeps it:
// encoded once, when the catalog is loaded: the product with its features,
// its styles with their photos and SKUs, and the ids it links to, each
// in id order.
type Document uint8

// The documents of a product.
const (
	// DocProduct is the product with its features, without the campus,
	// which the serving instance adds.
	DocProduct Document = iota + 1
	DocStyles
	DocRelated
)

// Change is what one generation of the catalog changed: the products whose
// responses changed (added, altered or deleted), and the first list
// position from which the products listed are no longer the same ones.
type Change struct {
	Generation int64
	Products   []ProductChange
	// ShiftFrom is the first position whose product is another than in the
	// generation before, because a product was added or deleted; 0 when
	// none is.
	ShiftFrom int64
}

// ProductChange is one product a generation changed, and its position in
// the list (counting from 1) after the change; 0 when it was deleted.
type ProductChange struct {
	ID  int64
	Pos int64
}

// History is what the generations after From up to To changed, oldest
// first; a generation that changed nothing has no Change. A store keeps
// the history of a window of generations, those after Start: what changed
// up to Start is not known, so everything may have.
type History struct {
	Start, From, To int64
	Changes         []Change
}

// ChangeLog tells what each load changed.
type ChangeLog interface {
	// Changes returns the history after generation after, up to the
	// generation being served. Its From is after, or the store's Start
	// when the store's history starts later.
	Changes(ctx context.Context, after int64) (History, error)
}

// CartService keeps the carts of sessions.
type CartService interface {
	// Cart returns the SKUs in a session's cart, in order of first addition.
	Cart(ctx context.Context, session string) ([]CartItem, error)
	// AddToCart adds one unit of a SKU to a session's cart. It fails with
	// EUNPROCESSABLE when the SKU does not exist, the cart would hold more
	// units than are in stock, or the SKU is new to a cart that holds
	// maxSKUs distinct SKUs already (maxSKUs 0: no bound).
	AddToCart(ctx context.Context, session string, skuID int64, maxSKUs int) error
	// ExpireCarts deletes the carts added to through the service whose
	// last addition came before idleSince, and returns how many lines it
	// deleted. The dataset's historical carts are the catalog's, and stay.
	ExpireCarts(ctx context.Context, idleSince time.Time) (int64, error)
	// CartKey returns the key that callers' cart tokens are hashed with
	// into session names: made at random when first asked for, then the
	// same for every instance of the store and across restarts.
	CartKey(ctx context.Context) ([]byte, error)
}

// The errors every store gives alike, written once.

// ErrNoProduct is the error of a product that does not exist.
func ErrNoProduct(id int64) error { return Errorf(ENOTFOUND, "product %d does not exist", id) }

// ErrNoSKU is the error of adding to a cart a SKU that does not exist.
func ErrNoSKU(id int64) error { return Errorf(EUNPROCESSABLE, "sku %d does not exist", id) }

// ErrDeltaCartLines is the error of a delta given cart lines.
var ErrDeltaCartLines = Errorf(EINVALID, "a delta changes the catalog, not the historical carts")

// ErrDeltaReviews is the error of a delta given reviews, questions or
// answers: they come with whole loads, and shoppers' writes change them in
// between.
var ErrDeltaReviews = Errorf(EINVALID, "a delta changes the products, not the reviews or questions: they come with whole loads")

// CheckStock refuses, as EUNPROCESSABLE, to add a unit of skuID, of
// which quantity are in stock, to a cart that holds held units of it
// already (historical lines counted). A store calls it within the write
// that adds, so that concurrent adds cannot overrun the stock.
func CheckStock(quantity, held, skuID int64) error {
	switch {
	case quantity == 0:
		return Errorf(EUNPROCESSABLE, "sku %d is out of stock", skuID)
	case held >= quantity:
		return Errorf(EUNPROCESSABLE, "the cart already holds all %d units of sku %d in stock", quantity, skuID)
	}
	return nil
}

// CheckCartSKUs refuses, as EUNPROCESSABLE, to add skuID to a cart that
// holds inCart units of it and skus distinct SKUs, when that would make
// more than maxSKUs (0: no bound). A store calls it within the write that
// adds, so that concurrent adds cannot pass it together.
func CheckCartSKUs(inCart, skus int64, maxSKUs int, skuID int64) error {
	if maxSKUs > 0 && inCart == 0 && skus >= int64(maxSKUs) {
		return Errorf(EUNPROCESSABLE, "the cart already holds %d different SKUs, the most a cart may: sku %d would be one more", skus, skuID)
	}
	return nil
}

// CartKeyLen is the length in bytes of a store's cart key.
const CartKeyLen = 32

// NewCartKey returns a random cart key, for a store to keep when it has none.
func NewCartKey() []byte {
	key := make([]byte, CartKeyLen)
	_, _ = rand.Read(key) // never fails: see crypto/rand.Read
	return key
}

// CatalogInfo describes the catalog a store serves.
type CatalogInfo struct {
	// Generation counts the loads the store has made live; 0 means the
	// store has never been loaded.
	Generation int64
	LoadedAt   time.Time
	Products   int64
	// Format is the format its read model's documents were written in: a
	// store serves only the format of this version (readmodel.Format), and
	// `catalog migrate` builds them anew in it.
	Format int64
	// ReviewSeq numbers the last change of the products' reviews
	// (ReviewChange.Seq); 0 before any.
	ReviewSeq int64
}

// Describer tells which catalog a store serves: for readiness, metrics,
// and noticing a reload.
type Describer interface {
	// CatalogInfo describes the catalog being served.
	CatalogInfo(ctx context.Context) (CatalogInfo, error)
}

// Loader replaces a store's catalog with a new one.
type Loader interface {
	Describer
	// BeginLoad starts building a new catalog beside the one being served.
	BeginLoad(ctx context.Context) (Load, error)
}

// Rebuilder writes a store's read model anew.
type Rebuilder interface {
	// Rebuild loads the live catalog again, from its own rows, as a new
	// generation: its read model is then written anew, in this version's
	// format.
	Rebuild(ctx context.Context) error
}

// Load is a new catalog being written. Rows arrive in batches, parents before
// children, already validated: ids are unique and every reference resolves.
// Nothing is served from it until Commit, which makes it live in one step;
// Rollback (or an interrupted process) leaves the old catalog serving.
type Load interface {
	AddProducts(ctx context.Context, rows []Product) error
	AddFeatures(ctx context.Context, rows []Feature) error
	AddStyles(ctx context.Context, rows []Style) error
	AddPhotos(ctx context.Context, rows []Photo) error
	AddSKUs(ctx context.Context, rows []SKU) error
	AddRelated(ctx context.Context, rows []Related) error
	AddCartLines(ctx context.Context, rows []CartLine) error
	AddReviews(ctx context.Context, rows []Review) error
	AddReviewPhotos(ctx context.Context, rows []ReviewPhoto) error
	AddCharacteristics(ctx context.Context, rows []Characteristic) error
	AddCharacteristicVotes(ctx context.Context, rows []CharacteristicVote) error
	AddQuestions(ctx context.Context, rows []Question) error
	AddAnswers(ctx context.Context, rows []Answer) error
	AddAnswerPhotos(ctx context.Context, rows []AnswerPhoto) error
	Commit(ctx context.Context) error
	Rollback() error
}

// Entity is a kind of row of the catalog, named as deleted.csv names it.
type Entity string

// The entities a delta changes.
const (
	EntityProduct Entity = "product"
	EntityFeature Entity = "features"
	EntityStyle   Entity = "styles"
	EntityPhoto   Entity = "photos"
	EntitySKU     Entity = "skus"
	EntityRelated Entity = "related"
)

// Entities are the entities a delta changes, parents before children.
var Entities = []Entity{EntityProduct, EntityStyle, EntityFeature, EntityPhoto, EntitySKU, EntityRelated}

// Deletion names a row of the live catalog to delete.
type Deletion struct {
	Entity Entity
	ID     int64
}

// DeltaLoader changes part of a store's catalog.
type DeltaLoader interface {
	// BeginDelta starts a change of the live catalog; one load or delta
	// runs at a time.
	BeginDelta(ctx context.Context) (Delta, error)
}

// Delta is a change of the live catalog being written. Its Add methods
// add rows or replace the live rows of the same ids (AddCartLines and the
// reviews' are refused); Delete deletes live rows, and with a product its features,
// styles (with their photos and SKUs) and related rows, and the related
// rows of other products that name it; with a style, its photos and SKUs.
// Rows arrive parents before children, already validated: every
// reference resolves once the delta is applied. Nothing is served from it
// until Commit, which makes it live in one step as a new generation.
type Delta interface {
	Load
	Delete(ctx context.Context, rows []Deletion) error
	// Parents returns, of ids, those that are live rows of an entity, each
	// with its parent: a product's is itself; a feature's, style's or
	// related row's is its product; a photo's or SKU's is its style.
	Parents(ctx context.Context, e Entity, ids []int64) (map[int64]int64, error)
}

// Store is everything a storage engine provides.
type Store interface {
	ProductService
	ReviewService
	QAService
	ChangeLog
	ReviewLog
	CartService
	InteractionStore
	Loader
	Rebuilder
	DeltaLoader
	Close() error
}
