package history

import (
	"encoding/binary"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// migrations[i] takes a database from version i to version i+1, inside
// one transaction: a failed step leaves the database as it was.
var migrations = []func(tx *bolt.Tx) error{
	// 0 → 1: the runs and last_ok buckets.
	func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketRuns, bucketLastOK} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	},
	// 1 → 2: the by_job index, built from the runs.
	func(tx *bolt.Tx) error {
		idx, err := tx.CreateBucketIfNotExists(bucketByJob)
		if err != nil {
			return err
		}
		return tx.Bucket(bucketRuns).ForEach(func(k, v []byte) error {
			var r Run
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("run %d: %w", binary.BigEndian.Uint64(k), err)
			}
			jb, err := idx.CreateBucketIfNotExists([]byte(r.Job))
			if err != nil {
				return err
			}
			return jb.Put(k, []byte(r.ID))
		})
	},
}

// migrate brings the database to version target, one step per
// transaction.
func (s *Store) migrate(target int) error {
	for {
		var done bool
		err := s.db.Update(func(tx *bolt.Tx) error {
			meta, err := tx.CreateBucketIfNotExists(bucketMeta)
			if err != nil {
				return err
			}
			v := 0
			if b := meta.Get(keyVersion); b != nil {
				v = int(binary.BigEndian.Uint64(b))
			}
			switch {
			case v > len(migrations):
				return fmt.Errorf("%w: version %d, this auxon knows %d", ErrNewer, v, len(migrations))
			case v >= target:
				done = true
				return nil
			}
			if err := migrations[v](tx); err != nil {
				return fmt.Errorf("migrate to schema %d: %w", v+1, err)
			}
			return meta.Put(keyVersion, u64(uint64(v+1)))
		})
		if err != nil || done {
			return err
		}
	}
}

// Version is the database's schema version.
func (s *Store) Version() (int, error) {
	v := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketMeta).Get(keyVersion); b != nil {
			v = int(binary.BigEndian.Uint64(b))
		}
		return nil
	})
	return v, err
}
