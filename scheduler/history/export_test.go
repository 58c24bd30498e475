package history

import bolt "go.etcd.io/bbolt"

// OpenAtVersion opens path migrated only up to version v, as an older
// auxon would have left it.
func OpenAtVersion(path string, v int) (*Store, error) {
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		return nil, err
	}
	s := &Store{db: db}
	if err := s.migrate(v); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// PutRaw stores r without going through Begin (and so without the
// by_job index of version 2).
func (s *Store) PutRaw(r *Run) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		seq, err := tx.Bucket(bucketRuns).NextSequence()
		if err != nil {
			return err
		}
		r.Seq = seq
		return putRun(tx, r)
	})
}

// SetVersion overwrites the schema version.
func (s *Store) SetVersion(v int) error {
	return s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keyVersion, u64(uint64(v))) })
}
