package store_test

import (
	"context"
	"sync/atomic"

	"github.com/usecat/usecat/internal/store"
)

type storeT = store.Store

type atomicInt = atomic.Int64

func openS(url string) (*store.Store, error) {
	return store.Open(context.Background(), store.Config{URL: url})
}
