package ratings

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// reportCPU adds the CPU time consumed since start, per op (and per event when events > 1),
// to the benchmark's output.
func reportCPU(b *testing.B, start time.Duration, events int) {
	cpu := processCPU() - start
	if cpu <= 0 {
		return
	}
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	if events > 1 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*events), "cpu-ns/event")
	}
}

// benchEvent is n veterans with varied states and mostly distinct scores: every pair of the
// veteran pass is evaluated, which is the expensive case.
func benchEvent(rng *rand.Rand, n int) []Coder {
	cs := make([]Coder, n)
	for i := range cs {
		cs[i] = Coder{
			ID:         strconv.Itoa(20000000 + i),
			Rating:     float64(600 + rng.IntN(2600)),
			Volatility: float64(150 + rng.IntN(600)),
			NumRatings: 1 + rng.IntN(80),
			Score:      rng.Float64() * 100,
		}
	}
	return cs
}

func benchmarkEvent(b *testing.B, n int) {
	coders := benchEvent(rand.New(rand.NewPCG(7, uint64(n))), n)
	var r Rater
	dst, err := r.Rate(coders, nil) // warm the scratch buffers
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	start := processCPU()
	for b.Loop() {
		if dst, err = r.Rate(coders, dst); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start, 1)
}

// One event of veterans (the expensive case), Rater reused as a replay reuses it. The
// reference JavaScript takes about 1.2 ms for one 200-coder event.
func BenchmarkQubits_Event50Coders(b *testing.B)  { benchmarkEvent(b, 50) }
func BenchmarkQubits_Event200Coders(b *testing.B) { benchmarkEvent(b, 200) }

// One-shot Qubits (fresh scratch on every call).
func BenchmarkQubits_OneShot200Coders(b *testing.B) {
	coders := benchEvent(rand.New(rand.NewPCG(7, 200)), 200)
	b.ReportAllocs()
	start := processCPU()
	for b.Loop() {
		if _, err := Qubits(coders); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start, 1)
}

// A replay of 1,000 events × 50 coders drawn from a pool of 2,000 members, states carried in
// memory (the rating-path / Marathon Match replay). The reference JavaScript takes about
// 0.13 ms per event. Reported per replay; ns/event is the comparable figure.
func BenchmarkReplay_1000Events50Coders(b *testing.B) {
	const events, perEvent, pool = 1000, 50, 2000
	rng := rand.New(rand.NewPCG(11, 13))
	evs := make([][]Participant, events)
	for i := range evs {
		picked := rng.Perm(pool)[:perEvent]
		evs[i] = make([]Participant, perEvent)
		for j, m := range picked {
			evs[i][j] = Participant{MemberID: strconv.Itoa(30000000 + m), Score: float64(rng.IntN(1000))}
		}
	}
	b.ReportAllocs()
	start := processCPU()
	for b.Loop() {
		rp := NewReplayer(nil)
		for _, ev := range evs {
			if _, err := rp.Rate(ev); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*events), "ns/event")
	reportCPU(b, start, events)
}
