package search

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/kodera-packages/kodera/internal/domain"
)

// Pending is an Index still being opened: Elasticsearch may be down when a
// node starts, and a node must start anyway (search is one feature among
// many, and the outbox keeps every change meanwhile). Until open succeeds
// every method answers domain.ErrUnavailable (503 on the API; the indexer
// backs off and retries), then it forwards to the opened index.
type Pending struct {
	mu      sync.RWMutex
	idx     Index
	lastErr error
}

var _ Index = (*Pending)(nil)

// OpenInBackground calls open until it succeeds or ctx ends, waiting retry
// (doubling up to a minute) between failures, and returns at once.
func OpenInBackground(ctx context.Context, open func(context.Context) (Index, error), retry time.Duration, log *slog.Logger) *Pending {
	p := &Pending{lastErr: errorf("not opened yet")}
	go func() {
		wait := retry
		for {
			idx, err := open(ctx)
			if err == nil {
				p.mu.Lock()
				p.idx = idx
				p.mu.Unlock()
				return
			}
			p.mu.Lock()
			p.lastErr = err
			p.mu.Unlock()
			log.Warn("search index not reachable, will retry", "err", err, "retry_in", wait)
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
			wait = min(wait*2, time.Minute)
		}
	}()
	return p
}

func (p *Pending) get() (Index, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.idx == nil {
		return nil, domain.Errorf(domain.ErrUnavailable, "search index not reachable: %v", p.lastErr)
	}
	return p.idx, nil
}

// Upsert implements Index.
func (p *Pending) Upsert(ctx context.Context, docs []Document) error {
	idx, err := p.get()
	if err != nil {
		return err
	}
	return idx.Upsert(ctx, docs)
}

// Delete implements Index.
func (p *Pending) Delete(ctx context.Context, ids []string) error {
	idx, err := p.get()
	if err != nil {
		return err
	}
	return idx.Delete(ctx, ids)
}

// DeleteRepository implements Index.
func (p *Pending) DeleteRepository(ctx context.Context, repositoryID int64) error {
	idx, err := p.get()
	if err != nil {
		return err
	}
	return idx.DeleteRepository(ctx, repositoryID)
}

// UpdateRepository implements Index.
func (p *Pending) UpdateRepository(ctx context.Context, r RepositoryFields) error {
	idx, err := p.get()
	if err != nil {
		return err
	}
	return idx.UpdateRepository(ctx, r)
}

// Search implements Index.
func (p *Pending) Search(ctx context.Context, o Options) (Result, error) {
	idx, err := p.get()
	if err != nil {
		return Result{}, err
	}
	return idx.Search(ctx, o)
}

// Rebuild implements Index.
func (p *Pending) Rebuild(ctx context.Context, load func(put func([]Document) error) error) error {
	idx, err := p.get()
	if err != nil {
		return err
	}
	return idx.Rebuild(ctx, load)
}
