-- Expiry finds each cart's last addition from this index alone.
CREATE INDEX cart_session_created ON cart (session, created_at);
