package cgroups

// OOMKillCount returns how many processes the kernel's OOM killer has killed in the container's
// memory cgroup so far; `events` reports an "oom" event each time it grows.
func (m *Manager) OOMKillCount() (uint64, error) { return m.m.OOMKillCount() }
