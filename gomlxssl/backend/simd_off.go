//go:build !goexperiment.simd

package backend

// SIMD reports whether this binary was built with GOEXPERIMENT=simd, without
// which the Go backend's matrix products run about 20x slower on amd64.
const SIMD = false
