package augment

// LocalCrops is multi-crop (Caron et al.: SwAV, then DINO): besides its two
// global views, each image gives N small views of Size×Size pixels, each
// cropped from a fraction of its area in Scale (DINO: 0.05–0.4, the global
// views 0.4–1) and transformed like the global ones. Small views are cheap —
// a 16-pixel view costs a quarter of a 32-pixel one in a convnet — and
// asking the network to match a part to the whole teaches it what the
// parts of an object have in common.
type LocalCrops struct {
	N, Size int
	Scale   [2]float64
}

// SizeFor is the local views' side for images of side h: Size, or by
// default half the image rounded down to a multiple of 4 (16 pixels of 32,
// 12 of 28), so a ViT's 4-pixel patches tile it.
func (l LocalCrops) SizeFor(h int) int {
	if l.Size > 0 {
		return l.Size
	}
	return max(4, h/2/4*4)
}

// local is the policy of the local views: the global policy with the local
// crops' scale.
func (cfg Policy) local() Policy {
	cfg.CropScale = cfg.Local.Scale
	return cfg
}
