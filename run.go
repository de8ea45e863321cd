// Command run.go drives the project from the repository root:
//
//	go run run.go report          build out/index.html from the experiments' results
//	go run run.go watch [-serve]  rebuild on every change (and serve with live reload)
//	go run run.go serve           watch -serve
//	go run run.go run NAME...     run experiments, then build the report
//	go run run.go list            experiments and whether each has results
//	go run run.go verify NAME...  run experiments and compare them with their reference runs
//	go run run.go reference RUN   keep a run of out/ as a reference run (reference/RUN)
//
// Every verb takes -out DIR (default out). The work is done by package
// gomlxssl/cli; this file only hands it the command line.
package main

import (
	"os"

	"github.com/mega-ssl/mega/gomlxssl/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr)) }
