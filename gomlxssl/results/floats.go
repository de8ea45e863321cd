package results

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"

	"github.com/mega-ssl/mega/gomlxssl/atomicfile"
)

// WriteFloat32s writes values as raw little-endian float32s, atomically: the
// state a method keeps between epochs (a GAN's samples after each epoch), so
// that a resumed run can draw its whole history.
func WriteFloat32s(path string, values []float32) error {
	b := make([]byte, 4*len(values))
	for i, x := range values {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return atomicfile.Write(path, b)
}

// ReadFloat32s reads what WriteFloat32s wrote; a missing file is no values.
func ReadFloat32s(path string) ([]float32, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if len(b)%4 != 0 {
		return nil, fmt.Errorf("%s: %d bytes is not a whole number of float32s", path, len(b))
	}
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v, nil
}
