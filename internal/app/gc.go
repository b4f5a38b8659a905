package app

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/kodera-packages/kodera/internal/config"
	"github.com/kodera-packages/kodera/internal/gc"
)

// graceOf maps KODERA_GC_GRACE to the collector's: 0 there means no grace
// at all, while the collector's zero value means its default.
func graceOf(cfg config.Config) time.Duration {
	if cfg.GCGrace == 0 {
		return -1
	}
	return cfg.GCGrace
}

// runGC runs `kodera gc [--dry-run]` or `kodera fsck` and prints the report.
// gc takes the same advisory lock as the nodes' background job, so it
// waits for nobody and says so when a node is collecting right now.
func runGC(ctx context.Context, cmd string, args []string, c *gc.Collector, stdout io.Writer) error {
	fl := flag.NewFlagSet("kodera "+cmd, flag.ContinueOnError)
	fl.SetOutput(stdout)
	dry := false
	if cmd == "gc" {
		fl.BoolVar(&dry, "dry-run", false, "report what would be reclaimed, change nothing")
	}
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() > 0 {
		return fmt.Errorf("kodera %s: unexpected argument %q", cmd, fl.Arg(0))
	}
	if cmd == "fsck" {
		rep, err := c.Fsck(ctx)
		if err != nil {
			return err
		}
		fmt.Fprint(stdout, rep.String())
		return nil
	}
	rep, ran, err := c.TryCollect(ctx, gc.Options{DryRun: dry})
	if err != nil {
		return err
	}
	if !ran {
		return fmt.Errorf("kodera gc: another node is collecting right now; try again later")
	}
	fmt.Fprintln(stdout, rep.String())
	return nil
}
