package models

import (
	"fmt"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
)

// Decoder maps a latent vector [B, L] to an image [B, S, S, C]: a dense layer
// to a Start×Start grid of Widths[0] channels, then for every width a doubling
// of the resolution (nearest neighbour) followed by a 3×3 convolution, batch
// norm and ReLU, and a last 3×3 convolution to the image's channels —
// DCGAN's generator with upsampling instead of transposed convolutions (which
// avoid their checkerboard artefacts and reuse the fast im2col convolution).
// It returns the last convolution's output, unsquashed: a VAE reads it as
// Bernoulli logits, a GAN's generator squashes it with tanh.
type Decoder struct {
	Start  int
	Widths []int
}

// DefaultDecoder turns 4×4 into 32×32 with 64, 32 and 16 channels.
func DefaultDecoder() Decoder { return Decoder{Start: 4, Widths: []int{64, 32, 16}} }

// Size is the side of the images it makes.
func (d Decoder) Size() int { return d.Start << len(d.Widths) }

// Apply builds the decoder in scope, for images of height × width ×
// channels (the data's: 32×32×3, or 28×28×1 for Fashion-MNIST). It draws at
// Size() and keeps the centre height × width: a 28-pixel image is the middle
// of a 32-pixel drawing, so one architecture serves both.
func (d Decoder) Apply(scope *model.Scope, z *Node, height, width, channels int) *Node {
	if z.Rank() != 2 || len(d.Widths) == 0 {
		panic(fmt.Sprintf("models.Decoder: want z [B, L] and at least one width, got %s and %v", z.Shape(), d.Widths))
	}
	if height > d.Size() || width > d.Size() || channels < 1 || channels > 16 {
		panic(fmt.Sprintf("models.Decoder: draws %d×%d with up to 16 channels, asked for %d×%d×%d", d.Size(), d.Size(), height, width, channels))
	}
	b := z.Shape().Dim(0)
	x := layers.Dense(scope.In("project"), z, false, d.Start*d.Start*d.Widths[0])
	x = activation.Relu(BatchNorm(scope.In("project_bn"), Reshape(x, b, d.Start, d.Start, d.Widths[0])))
	for i, w := range d.Widths {
		x = upsample2(x)
		s := scope.In("up%d", i)
		x = activation.Relu(BatchNorm(s.In("bn"), Conv2D(s, x, w, 3, 1)))
	}
	// The last convolution has 16 output channels, of which the first
	// `channels` are the image: per-channel ops on 3 channels read past their
	// buffers on the Go backend with SIMD (see ParseEncoder), so none is
	// applied to a 3-channel tensor.
	out := Conv2D(scope.In("rgb"), x, 16, 3, 1)
	top, left := (d.Size()-height)/2, (d.Size()-width)/2
	return Slice(out, AxisRange(), AxisRange(top, top+height), AxisRange(left, left+width), AxisRange(0, channels))
}

// upsample2 doubles the resolution of x [B, H, W, C] by repeating every pixel
// 2×2 (nearest neighbour), as a broadcast whose gradient is a sum.
func upsample2(x *Node) *Node {
	b, h, w, c := x.Shape().Dim(0), x.Shape().Dim(1), x.Shape().Dim(2), x.Shape().Dim(3)
	x = Reshape(x, b, h, 1, w, 1, c)
	x = BroadcastToDims(x, b, h, 2, w, 2, c)
	return Reshape(x, b, 2*h, 2*w, c)
}
