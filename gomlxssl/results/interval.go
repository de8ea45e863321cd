package results

import "math"

// Z95 is the standard normal quantile of a two-sided 95% interval.
const Z95 = 1.959963984540054

// Wilson is the Wilson score interval of an accuracy p measured on n test
// images, at the normal quantile z (Z95 for 95%): the range of true
// accuracies that the test set's sampling alone cannot tell from p. Unlike
// p ± z·√(p(1−p)/n) it stays inside [0, 1] and is not empty at p = 0 or 1.
// No maintained Go package has it (gonum's stat has no binomial intervals):
// it is the textbook formula (Wilson 1927).
func Wilson(p float64, n int, z float64) (lo, hi float64) {
	if n <= 0 {
		return math.NaN(), math.NaN()
	}
	nf := float64(n)
	z2 := z * z
	centre := (p + z2/(2*nf)) / (1 + z2/nf)
	half := z / (1 + z2/nf) * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	return max(centre-half, 0), min(centre+half, 1)
}
