module github.com/auxon-planner/auxon

go 1.26.8
