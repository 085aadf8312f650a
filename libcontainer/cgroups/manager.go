package cgroups

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/opencontainers/cgroups"
	"github.com/opencontainers/cgroups/fs"
	"github.com/opencontainers/cgroups/fs2"
	"github.com/opencontainers/cgroups/manager"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	// The devices controller needs its rule engine (v1 lists, v2 eBPF), registered by import.
	_ "github.com/opencontainers/cgroups/devices"
)

// Drivers.
const (
	DriverCgroupfs = "cgroupfs"
	DriverSystemd  = "systemd"
)

// Saved is what the state file keeps so that later commands find the same cgroup without the
// flags of create (podman calls update, pause and delete without --systemd-cgroup).
//
// Its config, the library's description of the cgroup, is decoded only when a command needs
// the manager (Load): building encoding/json's tables for the library's types costs ~0.25 ms
// per process, and the commands that only tell a container's status (state, list, start) need
// the paths alone (Paused).
type Saved struct {
	Driver string            `json:"driver"`
	Paths  map[string]string `json:"paths"`
	// cfg is the library's config once known (made by Save, or decoded by config); rawConfig
	// is it as read from the state file, until then. Unexported, so that nobody reads a cfg
	// that is not decoded yet.
	cfg       *cgroups.Cgroup
	rawConfig json.RawMessage
}

// savedJSON is how Saved is stored.
type savedJSON struct {
	Driver string            `json:"driver"`
	Config json.RawMessage   `json:"config"`
	Paths  map[string]string `json:"paths"`
}

// MarshalJSON stores the config as given, or as it was read when it was never decoded.
func (s *Saved) MarshalJSON() ([]byte, error) {
	raw := s.rawConfig
	if s.cfg != nil {
		var err error
		if raw, err = json.Marshal(s.cfg); err != nil {
			return nil, err
		}
	}
	if raw == nil {
		raw = json.RawMessage("null")
	}
	return json.Marshal(savedJSON{Driver: s.Driver, Config: raw, Paths: s.Paths})
}

// UnmarshalJSON keeps the config undecoded (see Saved).
func (s *Saved) UnmarshalJSON(data []byte) error {
	var v savedJSON
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	*s = Saved{Driver: v.Driver, Paths: v.Paths}
	if len(v.Config) > 0 && string(v.Config) != "null" {
		s.rawConfig = v.Config
	}
	return nil
}

// config decodes the stored config on first use; nil when none was stored.
func (s *Saved) config() (*cgroups.Cgroup, error) {
	if s.cfg == nil && s.rawConfig != nil {
		var c cgroups.Cgroup
		if err := json.Unmarshal(s.rawConfig, &c); err != nil {
			return nil, fmt.Errorf("the state's cgroup config: %w", err)
		}
		s.cfg, s.rawConfig = &c, nil
	}
	return s.cfg, nil
}

// RemoveEmpty removes a cgroupfs cgroup from its saved paths alone, as the library's cgroupfs
// managers do (their Destroy removes these paths), so that delete of a stopped container
// decodes no config (~0.3 ms). It reports false, at once, where the manager is needed: the
// systemd driver's unit, or a cgroup that still holds processes (removeNow), which
// Manager.Destroy kills before it removes the rest.
func (s *Saved) RemoveEmpty() bool {
	if s == nil || s.Driver != DriverCgroupfs {
		return false
	}
	busy, err := removeNow(s.Paths)
	return !busy && err == nil
}

// Paused reports whether the cgroup is frozen, from its paths alone, with the library's own
// reading of the freezer (for every driver: the v1 freezer where there is one, cgroup.freeze on
// a pure v2 host).
func (s *Saved) Paused() bool {
	if s == nil {
		return false
	}
	var st cgroups.FreezerState
	var err error
	if dir, ok := s.Paths["freezer"]; ok {
		st, err = (&fs.FreezerGroup{}).GetState(dir)
	} else if dir, ok := s.Paths[""]; ok {
		var m *fs2.Manager
		if m, err = fs2.NewManager(&cgroups.Cgroup{Resources: &cgroups.Resources{}}, dir); err == nil {
			st, err = m.GetFreezerState()
		}
	}
	return err == nil && st == cgroups.Frozen
}

// Manager is one container's cgroup.
type Manager struct {
	m      cgroups.Manager
	config *cgroups.Cgroup
	driver string
}

// New prepares the cgroup of a new container from linux.cgroupsPath and linux.resources; it
// creates nothing yet, and refuses a cgroup that exists and is frozen. driver "" is cgroupfs.
func New(s *specs.Spec, id, driver string) (*Manager, error) {
	return newManager(s, id, driver, false)
}

// NewRootless is New for a rootless container, as runc does it: where
// berth may not create or join the cgroup and linux.cgroupsPath is empty, the container stays
// in the caller's cgroups; limits asked for there fail with an error naming them.
func NewRootless(s *specs.Spec, id, driver string) (*Manager, error) {
	return newManager(s, id, driver, true)
}

func newManager(s *specs.Spec, id, driver string, rootless bool) (*Manager, error) {
	if driver == "" {
		driver = DriverCgroupfs
	}
	cfg, err := Config(s, id, driver)
	if err != nil {
		return nil, err
	}
	var r *specs.LinuxResources
	if s.Linux != nil {
		r = s.Linux.Resources
	}
	avail, err := AvailableControllers()
	if err != nil {
		return nil, fmt.Errorf("cgroups: %w", err)
	}
	// Always: the devices controller is needed for the default device rules even without
	// linux.resources.
	if err := Missing(r, avail); err != nil {
		return nil, err
	}
	for _, w := range Warnings(r, avail) {
		slog.Warn("config.json: "+w, "id", id)
	}
	cfg.Rootless = rootless
	if rootless && !cfg.Systemd && (s.Linux == nil || s.Linux.CgroupsPath == "") {
		// The same place, given as a name: the library skips what it may not write only for a
		// cgroup whose path the config did not choose.
		cfg.Name, cfg.Path = cfg.Path, ""
	}
	m, err := libraryManager(cfg)
	if err != nil {
		return nil, fmt.Errorf("cgroups (%s driver): %w", driver, err)
	}
	mgr := &Manager{m: m, config: cfg, driver: driver}
	if err := mgr.checkNotFrozen(); err != nil {
		return nil, err
	}
	return mgr, nil
}

// libraryManager makes the library's manager of a new cgroup, with the paths of a relative
// cgroupfs cgroup on a v1 or hybrid host worked out here (relativePaths), where the library
// would read /proc/self/cgroup once per hierarchy.
func libraryManager(cfg *cgroups.Cgroup) (cgroups.Manager, error) {
	if cfg.Systemd || cfg.Rootless || cfg.Path == "" || filepath.IsAbs(cfg.Path) || cgroups.IsCgroup2UnifiedMode() {
		return manager.New(cfg)
	}
	paths, err := relativePaths(cfg.Path)
	if err != nil {
		return nil, err
	}
	return manager.NewWithPaths(cfg, paths)
}

// Load finds a container's cgroup again from its state.
func Load(saved *Saved) (*Manager, error) {
	if saved == nil {
		return nil, errNoneRecorded
	}
	cfg, err := saved.config()
	if err != nil {
		return nil, err
	}
	if cfg == nil {
		return nil, errNoneRecorded
	}
	m, err := manager.NewWithPaths(cfg, saved.Paths)
	if err != nil {
		return nil, fmt.Errorf("cgroups: %w", err)
	}
	return &Manager{m: m, config: cfg, driver: saved.Driver}, nil
}

var errNoneRecorded = errors.New("no cgroup recorded for this container")

// Conventional returns where the cgroupfs driver puts container id's cgroup when its config
// names none (<id> below berth's own cgroup): the one place left to look for a container whose
// state file is lost.
func Conventional(id string) (*Saved, error) {
	cfg, err := Config(nil, id, DriverCgroupfs)
	if err != nil {
		return nil, err
	}
	m, err := manager.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("cgroups: %w", err)
	}
	return (&Manager{m: m, config: cfg, driver: DriverCgroupfs}).Save(), nil
}

// Save returns what the state file keeps.
func (m *Manager) Save() *Saved {
	return &Saved{Driver: m.driver, cfg: m.config, Paths: m.m.GetPaths()}
}

// JoinsItself reports whether init joins the cgroup on its own (cgroupfs: by writing to the
// tasks files before the Go runtime starts, or clone3 CLONE_INTO_CGROUP on v2). With systemd,
// systemd must move the process into its scope: the host calls Apply with init's PID.
func (m *Manager) JoinsItself() bool { return m.driver != DriverSystemd }

// Create makes the cgroup and applies linux.resources before init exists, so that init can
// join it at once. Nothing of it is left when it fails.
//
// The pids limit waits for ApplyDeferred: init is a Go program whose runtime starts several
// threads in the cgroup, each counted against pids.max, and a config may allow the container
// fewer tasks than that (1 or 2 for a single program; 0 is written as 1). The kernel checks
// pids.max only when a task is created, so a limit set once init's threads exist holds for
// every process after them, as runc's does (it applies the limits once its init runs).
func (m *Manager) Create() error {
	if err := m.m.Apply(-1); err != nil && !m.skippedRootless(err) {
		m.removeAfterFailure()
		return NameField(fmt.Errorf("create cgroup: %w", err))
	}
	if err := m.forgetMissing(); err != nil {
		return err
	}
	if err := m.set(withoutPidsLimit(m.config.Resources)); err != nil {
		m.removeAfterFailure()
		return err
	}
	return nil
}

// removeAfterFailure removes what a failed Create made; the caller reports the failure itself.
// A cgroup that cannot be removed yet is left to the caller's clean-up: an init started beside
// Create (CanJoinLater) sits in its cgroup2 directory until create kills it and removes the
// cgroup again, and says so if that fails.
func (m *Manager) removeAfterFailure() {
	var err error
	if m.JoinsItself() {
		var busy bool
		if busy, err = removeNow(m.m.GetPaths()); busy && err == nil {
			err = errors.New("a process is in it")
		}
	} else {
		err = m.m.Destroy()
	}
	if err != nil {
		slog.Debug("remove the cgroup of a failed create", "cgroup", m.describe(), "error", err)
	}
}

// ApplyDeferred applies what Create left out (the pids limit); call it once init is set up and
// before the container's program runs. Nothing is deferred with systemd, whose Apply comes
// after init has started.
func (m *Manager) ApplyDeferred() error {
	if !m.JoinsItself() {
		return nil
	}
	return m.set(pidsLimitOnly(m.config.Resources))
}

// withoutPidsLimit returns r without linux.resources.pids.limit and a unified "pids.max".
func withoutPidsLimit(r *cgroups.Resources) *cgroups.Resources {
	if r == nil {
		return nil
	}
	_, inUnified := r.Unified[pidsMaxFile]
	if r.PidsLimit == nil && !inUnified {
		return r
	}
	out := *r
	out.PidsLimit = nil
	if inUnified {
		out.Unified = maps.Clone(r.Unified)
		delete(out.Unified, pidsMaxFile)
	}
	return &out
}

// pidsLimitOnly returns the part of r that withoutPidsLimit removes, leaving the device rules
// alone (a Resources without them would deny every device), or nil when there is none.
func pidsLimitOnly(r *cgroups.Resources) *cgroups.Resources {
	if r == nil {
		return nil
	}
	v, inUnified := r.Unified[pidsMaxFile]
	if r.PidsLimit == nil && !inUnified {
		return nil
	}
	out := &cgroups.Resources{PidsLimit: r.PidsLimit, SkipDevices: true}
	if inUnified {
		out.Unified = map[string]string{pidsMaxFile: v}
	}
	return out
}

const pidsMaxFile = "pids.max"

// Apply puts pid into the cgroup (systemd: starts the scope) and applies the resources.
func (m *Manager) Apply(pid int) error {
	if err := m.m.Apply(pid); err != nil {
		return fmt.Errorf("join cgroup: %w", err)
	}
	return m.set(m.config.Resources)
}

// Update applies new resources to a live container.
func (m *Manager) Update(r *cgroups.Resources) error {
	if err := m.set(r); err != nil {
		return err
	}
	m.config.Resources = r
	return nil
}

func (m *Manager) set(r *cgroups.Resources) error {
	if r == nil {
		return nil
	}
	// The library's v2 manager keeps what it was last given as the config's Resources: keep
	// the whole set there (Save writes it to the state), not the part Create or ApplyDeferred
	// passed. Update stores its new resources itself.
	full := m.config.Resources
	defer func() { m.config.Resources = full }()
	if err := m.m.Set(r); err != nil {
		if named := nameUnifiedKey(err, r.Unified); named != nil {
			return named
		}
		if rerr := explainRootless(err, m.config); rerr != nil {
			return rerr
		}
		return NameField(fmt.Errorf("linux.resources: %w", err))
	}
	return nil
}

// skippedRootless reports whether Apply's error only says that a rootless container was left
// out of the hierarchies berth may not write (the library then forgets those paths).
func (m *Manager) skippedRootless(err error) bool {
	if !errors.Is(err, cgroups.ErrRootless) {
		return false
	}
	slog.Debug("rootless: no write access to some cgroup hierarchies; the container stays in the caller's cgroups there", "error", err)
	return true
}

// forgetMissing drops, for a rootless container, the hierarchies the library did not make:
// besides those it reported (ErrRootless), it silently skips the ones it only joins
// (name=systemd, a hybrid host's cgroup2). The state then records only cgroups that exist, and
// Skipped tells a container that has none.
func (m *Manager) forgetMissing() error {
	if !m.config.Rootless {
		return nil
	}
	paths := map[string]string{}
	for ctrl, p := range m.m.GetPaths() {
		if _, err := os.Stat(p); err == nil {
			paths[ctrl] = p
		}
	}
	lm, err := manager.NewWithPaths(m.config, paths)
	if err != nil {
		return fmt.Errorf("cgroups: %w", err)
	}
	m.m = lm
	return nil
}

// ErrNoCgroup is returned for what needs the container's own cgroup when it has none.
var ErrNoCgroup = errors.New("the container has no cgroup of its own (it was made rootless, without write access to the cgroup hierarchies)")

// Skipped reports whether a rootless container got no cgroup at all.
func (m *Manager) Skipped() bool {
	return m.config.Rootless && len(m.m.GetPaths()) == 0
}

// explainRootless says why a limit could not be set on a rootless container that has no cgroup
// of its own, naming the field: the library's words ("cannot set memory limit: container could
// not join or create cgroup") name only the controller. nil for any other error.
func explainRootless(err error, cfg *cgroups.Cgroup) error {
	var ctrl string
	if !cfg.Rootless || !strings.Contains(err.Error(), "could not join or create cgroup") ||
		!scanf(err.Error(), "cannot set %s limit", &ctrl) {
		return nil
	}
	field := "linux.resources"
	if name, ok := controllerFields[ctrl]; ok {
		field += "." + name
	}
	return fmt.Errorf("%s: cannot be applied: berth runs rootless and cannot create or join the container's %s cgroup (no write access; delegate a cgroup to this user or remove the limit)", field, ctrl)
}

// controllerFields names the linux.resources field of each v1 controller.
var controllerFields = map[string]string{
	"memory": "memory", "pids": "pids", "cpu": "cpu", "cpuset": "cpu", "blkio": "blockIO",
	"hugetlb": "hugepageLimits", "net_cls": "network", "net_prio": "network", "rdma": "rdma",
}

func scanf(s, format string, arg *string) bool {
	n, _ := fmt.Sscanf(s, format, arg)
	return n == 1
}

// Pids lists every process in the container's cgroup, sub-cgroups included.
func (m *Manager) Pids() ([]int, error) {
	if m.Skipped() {
		return nil, ErrNoCgroup
	}
	return m.m.GetAllPids()
}

// Freeze and Thaw pause and resume every process of the container.
func (m *Manager) Freeze() error {
	if m.Skipped() {
		return ErrNoCgroup
	}
	return m.m.Freeze(cgroups.Frozen)
}

func (m *Manager) Thaw() error {
	if m.Skipped() {
		return ErrNoCgroup
	}
	return m.m.Freeze(cgroups.Thawed)
}

// Paused reports whether the freezer holds the container, read as Saved.Paused reads it.
func (m *Manager) Paused() bool { return (&Saved{Paths: m.m.GetPaths()}).Paused() }

// Stats returns the cgroup's statistics.
func (m *Manager) Stats() (*cgroups.Stats, error) { return m.m.GetStats() }

// Exists reports whether the cgroup is still there.
func (m *Manager) Exists() bool { return m.m.Exists() }

// Path returns the cgroup's directory for a controller ("" on v2).
func (m *Manager) Path(controller string) string { return m.m.Path(controller) }

// Destroy removes the cgroup. Processes still in it (a container without its own PID namespace
// leaves its children behind) are frozen, killed and waited for first, then removal is tried
// again, a bounded number of times.
func (m *Manager) Destroy() error {
	if m.JoinsItself() {
		busy, err := removeNow(m.m.GetPaths())
		if !busy && err == nil {
			return nil
		}
		// Processes are left (a container without its own PID namespace whose program left a
		// child, say): kill them first, so that the removal below waits only for them to go.
		m.killAll()
	}
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		if err = m.m.Destroy(); err == nil {
			return nil
		}
		m.killAll()
		time.Sleep(time.Duration(attempt+1) * 10 * time.Millisecond)
	}
	return fmt.Errorf("remove cgroup %s: %w", m.describe(), err)
}

// Signal sends sig to every process in the cgroup. SIGKILL is sent with the cgroup frozen, so
// that no process can fork its way out of it meanwhile; the cgroup is thawed after, so that the
// processes can die (a container that was paused is no longer).
func (m *Manager) Signal(sig unix.Signal) error {
	if m.Skipped() {
		return ErrNoCgroup
	}
	frozen := false
	if sig == unix.SIGKILL {
		if err := m.Freeze(); err != nil {
			// No freezer (a v1 host without the hierarchy): signal all the same.
			slog.Debug("signal the cgroup without freezing it", "cgroup", m.describe(), "error", err)
		} else {
			frozen = true
		}
	}
	err := m.signalPids(sig)
	if frozen {
		if thawErr := m.Thaw(); thawErr != nil {
			err = errors.Join(err, fmt.Errorf("thaw cgroup %s: %w", m.describe(), thawErr))
		}
	}
	return err
}

// signalPids sends sig to each process of the cgroup; a process that exited meanwhile is not an
// error.
func (m *Manager) signalPids(sig unix.Signal) error {
	pids, err := m.Pids()
	if err != nil {
		return fmt.Errorf("list processes of cgroup %s: %w", m.describe(), err)
	}
	var errs []error
	for _, pid := range pids {
		if err := unix.Kill(pid, sig); err != nil && !errors.Is(err, unix.ESRCH) {
			errs = append(errs, fmt.Errorf("send %s to pid %d: %w", unix.SignalName(sig), pid, err))
		}
	}
	return errors.Join(errs...)
}

// killAll kills what is left in the cgroup before Destroy tries again; Destroy reports the
// cgroup that could not be removed, so a failure here is only logged.
func (m *Manager) killAll() {
	if err := m.Signal(unix.SIGKILL); err != nil {
		slog.Debug("kill what is left in the cgroup", "cgroup", m.describe(), "error", err)
	}
	// Give the killed processes a moment to leave; their parents reap them.
	for i := 0; i < 20; i++ {
		if pids, err := m.Pids(); err != nil || len(pids) == 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (m *Manager) describe() string {
	if d := m.Dir(); d != "" {
		return d
	}
	return "(none)"
}

// Dir names the cgroup by one of its directories, the same each time: the freezer's on v1 (the
// hierarchy that holds a paused container), the only one on v2, else the first by controller.
func (m *Manager) Dir() string {
	paths := m.m.GetPaths()
	for _, ctrl := range []string{"freezer", ""} {
		if p := paths[ctrl]; p != "" {
			return p
		}
	}
	for _, ctrl := range slices.Sorted(maps.Keys(paths)) {
		if paths[ctrl] != "" {
			return paths[ctrl]
		}
	}
	return ""
}
