package api

import (
	"net/http"
	"strconv"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the service's Prometheus series, on a private registry.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	inflight prometheus.Gauge
	shadow   *prometheus.CounterVec
}

func newMetrics(reg *prometheus.Registry, pools map[string]*pgxpool.Pool) *metrics {
	m := &metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "memberstats", Subsystem: "http", Name: "requests_total",
			Help: "HTTP requests by method, route pattern and status.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "memberstats", Subsystem: "http", Name: "request_duration_seconds",
			Help:    "HTTP request latency by method, route pattern and status.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route", "status"}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "memberstats", Subsystem: "http", Name: "requests_in_flight",
			Help: "HTTP requests being served.",
		}),
		shadow: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "memberstats", Subsystem: "shadow", Name: "comparisons_total",
			Help: "Shadow comparisons of the two readers by route and result (match, mismatch, error, skipped).",
		}, []string{"route", "result"}),
	}
	reg.MustRegister(m.requests, m.latency, m.inflight, m.shadow,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if len(pools) > 0 {
		reg.MustRegister(&poolCollector{pools: pools})
	}
	return m
}

func (m *metrics) observe(method, route string, status int, seconds float64) {
	s := strconv.Itoa(status)
	m.requests.WithLabelValues(method, route, s).Inc()
	m.latency.WithLabelValues(method, route, s).Observe(seconds)
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// poolCollector exports pgxpool statistics per named pool.
type poolCollector struct {
	pools map[string]*pgxpool.Pool
}

var (
	poolLabels   = []string{"pool"}
	descAcquired = prometheus.NewDesc("memberstats_db_pool_acquired_conns", "Connections currently acquired.", poolLabels, nil)
	descIdle     = prometheus.NewDesc("memberstats_db_pool_idle_conns", "Idle connections.", poolLabels, nil)
	descTotal    = prometheus.NewDesc("memberstats_db_pool_total_conns", "Open connections.", poolLabels, nil)
	descMax      = prometheus.NewDesc("memberstats_db_pool_max_conns", "Maximum pool size.", poolLabels, nil)
	descAcqCount = prometheus.NewDesc("memberstats_db_pool_acquires_total", "Successful acquires.", poolLabels, nil)
	descAcqDur   = prometheus.NewDesc("memberstats_db_pool_acquire_seconds_total", "Time spent acquiring connections.", poolLabels, nil)
	descEmpty    = prometheus.NewDesc("memberstats_db_pool_empty_acquires_total", "Acquires that waited for a connection.", poolLabels, nil)
	descCanceled = prometheus.NewDesc("memberstats_db_pool_canceled_acquires_total", "Acquires cancelled by their context.", poolLabels, nil)
)

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descAcquired, descIdle, descTotal, descMax, descAcqCount, descAcqDur, descEmpty, descCanceled} {
		ch <- d
	}
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	for name, p := range c.pools {
		st := p.Stat()
		ch <- prometheus.MustNewConstMetric(descAcquired, prometheus.GaugeValue, float64(st.AcquiredConns()), name)
		ch <- prometheus.MustNewConstMetric(descIdle, prometheus.GaugeValue, float64(st.IdleConns()), name)
		ch <- prometheus.MustNewConstMetric(descTotal, prometheus.GaugeValue, float64(st.TotalConns()), name)
		ch <- prometheus.MustNewConstMetric(descMax, prometheus.GaugeValue, float64(st.MaxConns()), name)
		ch <- prometheus.MustNewConstMetric(descAcqCount, prometheus.CounterValue, float64(st.AcquireCount()), name)
		ch <- prometheus.MustNewConstMetric(descAcqDur, prometheus.CounterValue, st.AcquireDuration().Seconds(), name)
		ch <- prometheus.MustNewConstMetric(descEmpty, prometheus.CounterValue, float64(st.EmptyAcquireCount()), name)
		ch <- prometheus.MustNewConstMetric(descCanceled, prometheus.CounterValue, float64(st.CanceledAcquireCount()), name)
	}
}
