package pgtest

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// A cluster whose test is gone is stopped and removed by the next sweep;
// one whose test runs is left alone.
func TestSweep(t *testing.T) {
	left, kept := StartCluster(t), StartCluster(t)
	leftPID, err := left.PID()
	if err != nil {
		t.Fatal(err)
	}
	keptPID, err := kept.PID()
	if err != nil {
		t.Fatal(err)
	}
	// The id of a process that has ended: the test that left the cluster.
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	if alive(gone.Process.Pid) {
		t.Fatalf("process %d still runs after it ended", gone.Process.Pid)
	}
	if err := os.WriteFile(filepath.Join(left.base, ownerFile), []byte(strconv.Itoa(gone.Process.Pid)), 0o644); err != nil {
		t.Fatal(err)
	}

	sweep(left.bin, left.cred)

	for deadline := time.Now().Add(5 * time.Second); alive(leftPID); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the postmaster of the cluster left behind (pid %d) still runs", leftPID)
		}
	}
	if _, err := os.Stat(left.base); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the directory of the cluster left behind is still there (%v)", err)
	}
	if !alive(keptPID) {
		t.Errorf("the sweep stopped the cluster of a running test (pid %d)", keptPID)
	}
	if _, err := os.Stat(filepath.Join(kept.base, ownerFile)); err != nil {
		t.Errorf("the sweep removed the directory of a running test's cluster: %v", err)
	}
}
