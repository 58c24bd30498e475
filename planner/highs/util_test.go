package highs

import "fmt"

func fmtSscanf(v string, major, minor *int) (int, error) {
	return fmt.Sscanf(v, "%d.%d", major, minor)
}
