package loadtest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// maxID is the largest product id the API accepts.
const maxID = 1<<31 - 1

// DiscoverProducts finds the largest product id the API at base serves, in
// about 2·log2(n) requests, taking ids to run from 1 without gaps, as the
// dataset's do.
func DiscoverProducts(ctx context.Context, client *http.Client, base string) (int64, error) {
	exists := func(id int64) (bool, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/products/"+strconv.FormatInt(id, 10), nil)
		if err != nil {
			return false, err
		}
		resp, err := client.Do(req)
		if err != nil {
			return false, err
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
		switch resp.StatusCode {
		case http.StatusOK:
			return true, nil
		case http.StatusNotFound:
			return false, nil
		}
		return false, fmt.Errorf("GET %s: %s", req.URL, resp.Status)
	}
	ok, err := exists(1)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, fmt.Errorf("%s has no product 1: is the catalog loaded?", base)
	}
	// lo exists; hi does not (or is past the largest id).
	lo, hi := int64(1), int64(2)
	for hi <= maxID {
		if ok, err = exists(hi); err != nil {
			return 0, err
		} else if !ok {
			break
		}
		lo, hi = hi, hi*2
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if ok, err = exists(mid); err != nil {
			return 0, err
		} else if ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo, nil
}
