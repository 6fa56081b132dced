package store

import (
	"fmt"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"

	"github.com/fielddesk/fielddesk"
)

// Settings that belong to the person using a data folder (byline, agency,
// house tone style, typing method, the window's place, the article last
// open) live in the folder with their articles: two accounts on one
// machine have two folders and never share them.
const settingPrefix = "cfg/"

// Limits of one setting.
const (
	MaxSettingKey   = 64
	MaxSettingValue = 4 << 10
)

// Settings returns every setting stored in the data folder.
func (s *DB) Settings() (map[string]string, error) {
	out := map[string]string{}
	err := s.view(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(settingPrefix), PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			item := it.Item()
			v, err := item.ValueCopy(nil)
			if err != nil {
				return err
			}
			out[string(item.Key()[len(settingPrefix):])] = string(v)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the settings of %s: %w", s.dir, err)
	}
	return out, nil
}

// SetSetting stores one setting durably (an empty value removes it). Text
// is stored NFC-normalized.
func (s *DB) SetSetting(key, value string) error {
	switch {
	case key == "" || len(key) > MaxSettingKey || !utf8.ValidString(key):
		return fmt.Errorf("setting %q: a name of 1 to %d bytes: %w", key, MaxSettingKey, fielddesk.ErrInvalid)
	case len(value) > MaxSettingValue:
		return fmt.Errorf("setting %s: %d bytes, at most %d: %w", key, len(value), MaxSettingValue, fielddesk.ErrInvalid)
	case !utf8.ValidString(value):
		return fmt.Errorf("setting %s: not UTF-8 text: %w", key, fielddesk.ErrInvalid)
	}
	k := []byte(settingPrefix + key)
	err := s.update(func(txn *badger.Txn) error {
		if value == "" {
			return txn.Delete(k)
		}
		return txn.Set(k, []byte(fielddesk.NFC(value)))
	})
	if err != nil {
		return fmt.Errorf("save the setting %s in %s: %w", key, s.dir, diskErr(err))
	}
	return nil
}
