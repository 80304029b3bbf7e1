package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// body5k is a typical 5 KB reply.
var body5k = strings.Repeat("Guten Tag, Ihr Paket wurde heute mit DHL verschickt. Sendungsnummer 00340434161094042557.\r\n", 55)

// BenchmarkAppend reports durable records/s with 1, 10 and 50 concurrent
// writers, on SQLite and (when SELLERGATE_TEST_POSTGRES is set) PostgreSQL.
// Every record carries a 5 KB body, as a message record does.
//
//	go test -run '^$' -bench Append -benchtime 5000x ./store/
func BenchmarkAppend(b *testing.B) {
	type opener func(b *testing.B) Store
	backends := []struct {
		name string
		open opener
	}{{"sqlite", func(b *testing.B) Store {
		s, err := Open(context.Background(), Options{Path: filepath.Join(b.TempDir(), "bench.db")})
		if err != nil {
			b.Fatal(err)
		}
		return s
	}}}
	if dsn := os.Getenv("SELLERGATE_TEST_POSTGRES"); dsn != "" {
		backends = append(backends, struct {
			name string
			open opener
		}{"postgres", func(b *testing.B) Store {
			s, err := Open(context.Background(), Options{Driver: "postgres", DSN: freshPostgresTB(b)})
			if err != nil {
				b.Fatal(err)
			}
			return s
		}})
	}
	for _, be := range backends {
		for _, writers := range []int{1, 10, 50} {
			b.Run(fmt.Sprintf("%s/writers=%d", be.name, writers), func(b *testing.B) {
				s := be.open(b)
				defer s.Close()
				var next atomic.Int64
				var wg sync.WaitGroup
				var lat atomic.Int64
				b.ResetTimer()
				start := time.Now()
				for w := 0; w < writers; w++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for next.Add(1) <= int64(b.N) {
							r := outbound("bench@marketplace.amazon.de", "302-1234567-7654321", "Re: bench", body5k)
							t0 := time.Now()
							if err := s.Append(context.Background(), r); err != nil {
								b.Error(err)
								return
							}
							lat.Add(int64(time.Since(t0)))
						}
					}()
				}
				wg.Wait()
				el := time.Since(start)
				b.ReportMetric(float64(b.N)/el.Seconds(), "records/s")
				b.ReportMetric(float64(lat.Load())/float64(b.N)/1e6, "ms/append")
			})
		}
	}
}
