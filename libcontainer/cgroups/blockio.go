package cgroups

import (
	"fmt"

	"github.com/opencontainers/cgroups"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Block IO weights as cgroup v1 accepts them; the library's v2 conversion to io.weight
// (1 + (w-10)*9999/990) also assumes this range and would wrap below 10.
const (
	minBlkioWeight = 10
	maxBlkioWeight = 1000
)

func convertBlockIO(r *specs.LinuxResources, out *cgroups.Resources) error {
	b := r.BlockIO
	if b == nil {
		return nil
	}
	var err error
	if out.BlkioWeight, err = blkioWeight("linux.resources.blockIO.weight", b.Weight); err != nil {
		return err
	}
	if out.BlkioLeafWeight, err = blkioWeight("linux.resources.blockIO.leafWeight", b.LeafWeight); err != nil {
		return err
	}
	for i, d := range b.WeightDevice {
		wd, err := weightDevice(fmt.Sprintf("linux.resources.blockIO.weightDevice[%d]", i), d)
		if err != nil {
			return err
		}
		out.BlkioWeightDevice = append(out.BlkioWeightDevice, wd)
	}
	for _, t := range []struct {
		name string
		in   []specs.LinuxThrottleDevice
		out  *[]*cgroups.ThrottleDevice
	}{
		{"throttleReadBpsDevice", b.ThrottleReadBpsDevice, &out.BlkioThrottleReadBpsDevice},
		{"throttleWriteBpsDevice", b.ThrottleWriteBpsDevice, &out.BlkioThrottleWriteBpsDevice},
		{"throttleReadIOPSDevice", b.ThrottleReadIOPSDevice, &out.BlkioThrottleReadIOPSDevice},
		{"throttleWriteIOPSDevice", b.ThrottleWriteIOPSDevice, &out.BlkioThrottleWriteIOPSDevice},
	} {
		for i, d := range t.in {
			path := fmt.Sprintf("linux.resources.blockIO.%s[%d]", t.name, i)
			if err := checkBlockDevice(path, d.LinuxBlockIODevice); err != nil {
				return err
			}
			*t.out = append(*t.out, cgroups.NewThrottleDevice(d.Major, d.Minor, d.Rate))
		}
	}
	return nil
}

// blkioWeight checks an optional weight; unset is the library's 0.
func blkioWeight(path string, w *uint16) (uint16, error) {
	if w == nil {
		return 0, nil
	}
	if *w < minBlkioWeight || *w > maxBlkioWeight {
		return 0, fmt.Errorf("%s %d: want %d to %d", path, *w, minBlkioWeight, maxBlkioWeight)
	}
	return *w, nil
}

func weightDevice(path string, d specs.LinuxWeightDevice) (*cgroups.WeightDevice, error) {
	if err := checkBlockDevice(path, d.LinuxBlockIODevice); err != nil {
		return nil, err
	}
	if d.Weight == nil && d.LeafWeight == nil {
		return nil, fmt.Errorf("%s: set weight, leafWeight or both", path)
	}
	weight, err := blkioWeight(path+".weight", d.Weight)
	if err != nil {
		return nil, err
	}
	leaf, err := blkioWeight(path+".leafWeight", d.LeafWeight)
	if err != nil {
		return nil, err
	}
	return cgroups.NewWeightDevice(d.Major, d.Minor, weight, leaf), nil
}

func checkBlockDevice(path string, d specs.LinuxBlockIODevice) error {
	if d.Major < 0 {
		return fmt.Errorf("%s.major %d: want a device number, 0 or more", path, d.Major)
	}
	if d.Minor < 0 {
		return fmt.Errorf("%s.minor %d: want a device number, 0 or more", path, d.Minor)
	}
	return nil
}
