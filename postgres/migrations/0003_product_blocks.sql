-- product_blocks (made by the program with the catalog's other tables,
-- and filled from products by this migration) replaces product_pages: a
-- change that adds or deletes products renumbers blocks, not products.
DROP TABLE IF EXISTS product_pages;
