package cli

import (
	"fmt"
	"strings"

	"github.com/mega-ssl/mega/gomlxssl/bench"
)

// Rounds of the benchmark-encoder step (`run.go bench -rounds N`): ours and
// the PyTorch peer alternate, round after round, and the result holds their
// medians, so one slow round on a shared machine does not make the figure.

// stepRounds is what the rounds measured: images/s, ours and the peer's
// (empty when the peer was not measured).
type stepRounds struct {
	ours, peer []float64
}

// result fills r's value with the median of our rounds and, when the peer
// ran in every round, its median as the peer's value; Detail lists the
// rounds and their ratios.
func (s stepRounds) result(r bench.Result, peerName string) bench.Result {
	r.Value = median(s.ours)
	if len(s.peer) == len(s.ours) && len(s.peer) > 0 {
		r.SetPeer(peerName, median(s.peer))
	}
	if len(s.ours) < 2 {
		return r
	}
	var b strings.Builder
	fmt.Fprintf(&b, "median of %d rounds; ours %s images/s", len(s.ours), joinFormatted(s.ours))
	if r.Peer != "" {
		parts := make([]string, len(s.ours))
		for i := range parts {
			parts[i] = fmt.Sprintf("%.2fx", s.ours[i]/s.peer[i])
		}
		fmt.Fprintf(&b, ", PyTorch %s; ratios %s", joinFormatted(s.peer), strings.Join(parts, " / "))
	}
	r.Detail = b.String()
	return r
}

func joinFormatted(v []float64) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = bench.Format(x)
	}
	return strings.Join(parts, " / ")
}
