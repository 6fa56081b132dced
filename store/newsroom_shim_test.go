package store

import (
	"context"
	"sync"
	"time"

	"github.com/fielddesk/fielddesk"
	"github.com/fielddesk/fielddesk/blobs"
	"github.com/fielddesk/fielddesk/newsroom"
)

// The store's tests of a server's data folder run the newsroom's rules
// over it, as the server does (one Newsroom per store, so pushes made at
// once are committed together).

var newsrooms sync.Map // *DB -> *newsroom.Newsroom

func (s *DB) rules() *newsroom.Newsroom {
	n, _ := newsrooms.LoadOrStore(s, newsroom.New(s))
	return n.(*newsroom.Newsroom)
}

func (s *DB) Apply(ctx context.Context, device, user string, id uint64, rev fielddesk.Revision) (Outcome, error) {
	return s.rules().ApplyMutation(ctx, device, user, Mutation{ID: id, Revision: rev})
}

func (s *DB) ApplyMutation(ctx context.Context, device, user string, m Mutation) (Outcome, error) {
	return s.rules().ApplyMutation(ctx, device, user, m)
}

func (s *DB) ApplyBatch(ctx context.Context, device, user string, muts []Mutation) ([]Outcome, error) {
	return s.rules().ApplyBatch(ctx, device, user, muts)
}

func (s *DB) Changes(ctx context.Context, cursor uint64, limit int, keep func(owner string, rev fielddesk.Revision) bool) ([]fielddesk.Revision, uint64, error) {
	changes, next, err := s.rules().Changes(ctx, cursor, limit, keep, false)
	revs := make([]fielddesk.Revision, len(changes))
	for i, c := range changes {
		revs[i] = c.Revision
	}
	return revs, next, err
}

func (s *DB) ChangesWithReview(ctx context.Context, cursor uint64, limit int, keep func(owner string, rev fielddesk.Revision) bool, withAudit bool) ([]Pulled, uint64, error) {
	return s.rules().Changes(ctx, cursor, limit, keep, withAudit)
}

func (s *DB) ReleaseDue(ctx context.Context, now time.Time) ([]fielddesk.ID, error) {
	return s.rules().ReleaseDue(ctx, now)
}

func (s *DB) NextDue() (time.Time, bool, error) { return s.rules().NextDue(context.Background()) }

func (s *DB) PhotoHolds(user, hash string) (bool, bool, error) {
	return s.rules().PhotoHolds(context.Background(), user, hash)
}

func (s *DB) HoldPhoto(user, hash string) error {
	return s.rules().HoldPhoto(context.Background(), user, hash)
}

func (s *DB) VisibleRendition(hash string, keep func(owner string) bool) (blobs.Key, string, error) {
	return s.rules().VisibleRendition(context.Background(), hash, keep)
}

func (s *DB) AddUser(ctx context.Context, name string, role fielddesk.Role, desk, password string) (User, error) {
	return s.rules().AddUser(ctx, name, role, desk, password)
}

func (s *DB) Login(ctx context.Context, name, password, device string) (string, Device, User, error) {
	return s.rules().Login(ctx, name, password, device)
}

func (s *DB) Authenticate(ctx context.Context, token string) (Device, User, error) {
	return s.rules().Authenticate(ctx, token)
}

func (s *DB) Users(ctx context.Context) ([]User, error) { return s.rules().Users(ctx) }

func (s *DB) Devices(ctx context.Context) ([]Device, error) { return s.rules().Devices(ctx) }

func (s *DB) DisableUser(ctx context.Context, name string) error {
	return s.rules().DisableUser(ctx, name)
}

func (s *DB) EnableUser(ctx context.Context, name string) error {
	return s.rules().EnableUser(ctx, name)
}

func (s *DB) SetPassword(ctx context.Context, name, password string, revoke bool) error {
	return s.rules().SetPassword(ctx, name, password, revoke)
}

func (s *DB) RevokeDevice(ctx context.Context, id string) error {
	return s.rules().RevokeDevice(ctx, id)
}

func (s *DB) Published(ctx context.Context, since time.Time, limit int, keep func(Publication) bool) ([]newsroom.PublishedItem, error) {
	return s.rules().Published(ctx, since, limit, keep)
}

func (s *DB) PublishedArticle(ctx context.Context, slug string) (Publication, fielddesk.Revision, error) {
	return s.rules().PublishedArticle(ctx, slug)
}
