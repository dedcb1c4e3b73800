package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"runtime"
	"sync"
)

// Exports render rows on every core. Decoding a use-case's JSON for its CSV row costs more
// than reading it from the database, so one goroutine reads, batches of documents go to
// workers that render them, and the rendered batches are written in the order they were read.
// Batches in flight are bounded, so memory stays flat however large the export.

// batchSize is how many use-cases a worker renders at a time: enough to amortise the hand-offs.
const batchSize = 64

// batch is a run of documents read from the database and, once rendered, their rows.
type batch struct {
	docs []byte // the documents, back to back
	ends []int  // where each document ends in docs
	out  bytes.Buffer
	err  error
	done chan struct{}
}

var batches = sync.Pool{New: func() any { return &batch{} }}

func (b *batch) add(doc []byte) {
	b.docs = append(b.docs, doc...)
	b.ends = append(b.ends, len(b.docs))
}

func (b *batch) each(fn func(doc json.RawMessage) error) error {
	start := 0
	for _, end := range b.ends {
		if err := fn(b.docs[start:end]); err != nil {
			return err
		}
		start = end
	}
	return nil
}

// streamRows runs read, which calls its yield with one document at a time, renders the
// documents with rowWriters made by newRows (one per worker) and hands the rendered bytes to
// write in the order read gave the documents. write is called from one goroutine at a time.
// The first error of any stage stops the others and is returned.
func streamRows(ctx context.Context, read func(ctx context.Context, yield func(doc json.RawMessage) error) error,
	newRows func() rowWriter, write func(rendered []byte) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	workers := max(1, runtime.GOMAXPROCS(0))
	work := make(chan *batch, workers)
	order := make(chan *batch, 2*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			rows := newRows()
			for b := range work {
				b.err = b.each(func(doc json.RawMessage) error { return rows.row(&b.out, doc) })
				close(b.done)
			}
		})
	}
	writeErr := make(chan error, 1)
	go func() {
		var err error
		for b := range order {
			<-b.done
			if err == nil {
				if err = b.err; err == nil {
					err = write(b.out.Bytes())
				}
				if err != nil {
					cancel(err) // stops the database read
				}
			}
			b.docs, b.ends, b.err = b.docs[:0], b.ends[:0], nil
			b.out.Reset()
			batches.Put(b)
		}
		writeErr <- err
	}()
	var cur *batch
	send := func() {
		work <- cur
		order <- cur
		cur = nil
	}
	err := read(ctx, func(doc json.RawMessage) error {
		if cur == nil {
			cur = batches.Get().(*batch)
			cur.done = make(chan struct{})
		}
		cur.add(doc)
		if len(cur.ends) == batchSize {
			send()
		}
		return nil
	})
	if cur != nil && err == nil {
		send()
	}
	close(work)
	close(order)
	wg.Wait()
	werr := <-writeErr
	if werr != nil {
		return werr // the reason the read was cancelled, if it was
	}
	return err
}
