package data

import (
	"math"
	"math/rand/v2"
)

// rgb is a colour, each channel in [0, 1].
type rgb [3]float64

func (c rgb) luma() float64 { return 0.299*c[0] + 0.587*c[1] + 0.114*c[2] }

func mix(a, b rgb, t float64) rgb {
	return rgb{a[0] + (b[0]-a[0])*t, a[1] + (b[1]-a[1])*t, a[2] + (b[2]-a[2])*t}
}

// randColor draws from a palette of 12 hues x 3 lightness levels (plus grey
// levels), jittered slightly. Colours vary as much as the eye cares, but carry
// only about five bits: fully random RGB colours would give each image a
// colour signature that both augmented views share, and instance
// discrimination would learn that shortcut instead of the shape.
func randColor(rng *rand.Rand) rgb {
	light := [3]float64{0.25, 0.5, 0.75}[rng.IntN(3)]
	if rng.IntN(13) == 0 {
		return jitter(rng, rgb{light, light, light})
	}
	hue := float64(rng.IntN(12)) / 12
	c := hsl(hue, 0.75, light)
	return jitter(rng, c)
}

func jitter(rng *rand.Rand, c rgb) rgb {
	for i := range c {
		c[i] = math.Min(1, math.Max(0, c[i]+(rng.Float64()-0.5)*0.06))
	}
	return c
}

// hsl converts hue, saturation, lightness (all in [0, 1]) to RGB.
func hsl(h, s, l float64) rgb {
	q := l + s - l*s
	if l < 0.5 {
		q = l * (1 + s)
	}
	p := 2*l - q
	channel := func(t float64) float64 {
		t -= math.Floor(t)
		switch {
		case t < 1.0/6:
			return p + (q-p)*6*t
		case t < 0.5:
			return q
		case t < 2.0/3:
			return p + (q-p)*(2.0/3-t)*6
		}
		return p
	}
	return rgb{channel(h + 1.0/3), channel(h), channel(h - 1.0/3)}
}
