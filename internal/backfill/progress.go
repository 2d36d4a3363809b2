package backfill

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// progress reports members done/total, rate and ETA: a redrawn bar when stderr is a terminal,
// else a periodic log line (STYLE practice 11).
type progress struct {
	done  *atomic.Int64
	total int
	o     Options
	began time.Time
}

func newProgress(done *atomic.Int64, total int, o Options) *progress {
	return &progress{done: done, total: total, o: o, began: time.Now()}
}

// start begins reporting; the returned func stops it (drawing the final state).
func (p *progress) start() func() {
	every := p.o.ProgressEvery
	if p.o.ProgressTTY {
		every = 250 * time.Millisecond
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				p.report(false)
			}
		}
	}()
	return func() {
		close(stop)
		wg.Wait()
		p.report(true)
	}
}

func (p *progress) figures() (done int64, rate float64, eta time.Duration) {
	done = p.done.Load()
	el := time.Since(p.began).Seconds()
	if el > 0 {
		rate = float64(done) / el
	}
	eta = -1
	if rate > 0 {
		eta = time.Duration(float64(int64(p.total)-done) / rate * float64(time.Second))
	}
	return done, rate, eta
}

func (p *progress) report(final bool) {
	done, rate, eta := p.figures()
	if p.o.ProgressTTY && p.o.Progress != nil {
		const width = 30
		frac := 0.0
		if p.total > 0 {
			frac = min(1, float64(done)/float64(p.total))
		}
		n := int(frac * width)
		bar := strings.Repeat("=", n) + strings.Repeat(" ", width-n)
		end := ""
		if final {
			end = "\n"
		}
		fmt.Fprintf(p.o.Progress, "\r\033[K[%s] %d/%d %5.1f%% %.0f members/s ETA %s%s", bar, done, p.total, frac*100, rate, FormatDuration(eta), end)
		return
	}
	if final {
		return
	}
	p.o.Logger.Info(fmt.Sprintf("Progress: %d of %d users, %.0f members/s, ETA %s", done, p.total, rate, FormatDuration(eta)),
		"done", done, "total", p.total, "rate", rate, "eta_seconds", eta.Seconds())
}
