// Command kodera is the Kodera Packages server: `kodera serve` (default),
// `kodera migrate`, `kodera user`, `kodera version`, `kodera healthcheck`
// (the container image's probe of /readyz). Configuration comes from the
// environment; see README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/kodera-packages/kodera/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	app.Main(ctx)
}
