package state

import "github.com/berth-runtime/berth/libcontainer/sys"

func readStart(pid int) (uint64, error) {
	st, err := sys.ReadProcStat(pid)
	return st.StartTime, err
}
