package pgstore

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/newsroom"
	"github.com/fielddesk/fielddesk/newsroom/newsroomtest"
)

// BenchmarkApplyAndPull is the rules over PostgreSQL in one process: 16
// devices push three new articles at a time while 16 pull (for a profile
// of where the server's time goes: -cpuprofile).
func BenchmarkApplyAndPull(b *testing.B) {
	ctx := context.Background()
	db, _ := openTest(b)
	n := newsroom.New(db)
	var wg sync.WaitGroup
	per := max(1, b.N/16)
	b.ResetTimer()
	for d := range 16 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range per {
				var muts []fielddesk.Mutation
				for k := range 3 {
					muts = append(muts, fielddesk.Mutation{ID: uint64(3*i + k + 1), Revision: newsroomtest.Remote(fielddesk.NewID(), "", fmt.Sprintf("Tin %d", k))})
				}
				if _, err := n.ApplyBatch(ctx, fmt.Sprintf("dev%d", d), "", muts); err != nil {
					b.Error(err)
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			var cursor uint64
			for range per {
				_, next, err := n.Changes(ctx, cursor, 100, nil, false)
				if err != nil {
					b.Error(err)
					return
				}
				cursor = next
			}
		}()
	}
	wg.Wait()
}
