// Command runc-capfilter runs /usr/sbin/runc after removing, from the OCI spec it is given, every
// capability that the calling process's bounding set doesn't hold, and what needs one of them.
//
// Privileged containers ask for every capability runc knows. Where the machine itself runs without
// one (these firecracker VMs lack CAP_SYS_RESOURCE everywhere), runc fails with "unable to apply
// caps: operation not permitted", so no privileged container, and therefore no kind node, can start.
// Asking only for what can be granted gives the container exactly what it would get anyway.
// Without CAP_SYS_RESOURCE an oom_score_adj below the caller's own can't be set either (the CRI
// asks -998 for pod sandboxes, and runc's init then dies with "can't get final child's PID from
// pipe"), so such a request is raised to the caller's value.
// Elsewhere the bounding set is full and the spec passes through unchanged.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Capability numbers as in linux/capability.h.
var capNumbers = map[string]uint{
	"CAP_CHOWN": 0, "CAP_DAC_OVERRIDE": 1, "CAP_DAC_READ_SEARCH": 2, "CAP_FOWNER": 3, "CAP_FSETID": 4,
	"CAP_KILL": 5, "CAP_SETGID": 6, "CAP_SETUID": 7, "CAP_SETPCAP": 8, "CAP_LINUX_IMMUTABLE": 9,
	"CAP_NET_BIND_SERVICE": 10, "CAP_NET_BROADCAST": 11, "CAP_NET_ADMIN": 12, "CAP_NET_RAW": 13,
	"CAP_IPC_LOCK": 14, "CAP_IPC_OWNER": 15, "CAP_SYS_MODULE": 16, "CAP_SYS_RAWIO": 17,
	"CAP_SYS_CHROOT": 18, "CAP_SYS_PTRACE": 19, "CAP_SYS_PACCT": 20, "CAP_SYS_ADMIN": 21,
	"CAP_SYS_BOOT": 22, "CAP_SYS_NICE": 23, "CAP_SYS_RESOURCE": 24, "CAP_SYS_TIME": 25,
	"CAP_SYS_TTY_CONFIG": 26, "CAP_MKNOD": 27, "CAP_LEASE": 28, "CAP_AUDIT_WRITE": 29,
	"CAP_AUDIT_CONTROL": 30, "CAP_SETFCAP": 31, "CAP_MAC_OVERRIDE": 32, "CAP_MAC_ADMIN": 33,
	"CAP_SYSLOG": 34, "CAP_WAKE_ALARM": 35, "CAP_BLOCK_SUSPEND": 36, "CAP_AUDIT_READ": 37,
	"CAP_PERFMON": 38, "CAP_BPF": 39, "CAP_CHECKPOINT_RESTORE": 40,
}

func boundingSet() (uint64, error) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "CapBnd:"); ok {
			return strconv.ParseUint(strings.TrimSpace(v), 16, 64)
		}
	}
	return 0, fmt.Errorf("no CapBnd in /proc/self/status")
}

func ownOOMScoreAdj() (int, error) {
	data, err := os.ReadFile("/proc/self/oom_score_adj")
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(data)))
}

// filter rewrites the capability lists of one OCI process object in place; it reports a change.
func filter(process map[string]any, bounding uint64) bool {
	caps, _ := process["capabilities"].(map[string]any)
	changed := false
	if adj, ok := process["oomScoreAdj"].(float64); ok && bounding&(1<<capNumbers["CAP_SYS_RESOURCE"]) == 0 {
		if own, err := ownOOMScoreAdj(); err == nil && adj < float64(own) {
			process["oomScoreAdj"] = own
			changed = true
		}
	}
	for set, v := range caps {
		list, _ := v.([]any)
		kept := list[:0:0]
		for _, c := range list {
			name, _ := c.(string)
			if n, known := capNumbers[name]; known && bounding&(1<<n) == 0 {
				changed = true
				continue
			}
			kept = append(kept, c)
		}
		caps[set] = kept
	}
	return changed
}

// rewrite filters the JSON file at path; process is the key holding the process ("" for the root).
func rewrite(path, key string, bounding uint64) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		return err
	}
	process := doc
	if key != "" {
		process, _ = doc[key].(map[string]any)
	}
	if process == nil || !filter(process, bounding) {
		return nil
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	return os.WriteFile(path, out, 0o600)
}

func main() {
	real := os.Getenv("REPORUNNER_REAL_RUNC")
	if real == "" {
		real = "/usr/sbin/runc"
	}
	args := os.Args[1:]
	if bounding, err := boundingSet(); err == nil && bounding != 1<<64-1 {
		bundle, processFile := "", ""
		for i, a := range args {
			next := func() string {
				if i+1 < len(args) {
					return args[i+1]
				}
				return ""
			}
			switch {
			case a == "--bundle" || a == "-b":
				bundle = next()
			case strings.HasPrefix(a, "--bundle="):
				bundle = strings.TrimPrefix(a, "--bundle=")
			case a == "--process" || a == "-p":
				processFile = next()
			case strings.HasPrefix(a, "--process="):
				processFile = strings.TrimPrefix(a, "--process=")
			}
		}
		if bundle != "" {
			if err := rewrite(filepath.Join(bundle, "config.json"), "process", bounding); err != nil {
				fmt.Fprintln(os.Stderr, "runc-capfilter:", err)
			}
		}
		if processFile != "" {
			if err := rewrite(processFile, "", bounding); err != nil {
				fmt.Fprintln(os.Stderr, "runc-capfilter:", err)
			}
		}
	}
	err := syscall.Exec(real, append([]string{real}, args...), os.Environ())
	fmt.Fprintln(os.Stderr, "runc-capfilter: exec", real+":", err)
	os.Exit(127)
}
