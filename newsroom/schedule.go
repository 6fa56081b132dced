package newsroom

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fielddesk/fielddesk"
)

// The schedule: articles to publish at a set time. Every decision that
// moves a scheduled article elsewhere ends its schedule (one that leaves
// it scheduled, an assign, keeps it); schedule (again) sets it.

// recordSchedule moves an article's place in the schedule for the
// decision e, which takes it to state to (sum is updated; setStatus
// writes it).
func recordSchedule(tx Tx, sum *fielddesk.Summary, e fielddesk.Event, to fielddesk.Status) error {
	if e.Action != fielddesk.ActionSchedule && to == fielddesk.StatusScheduled {
		return nil // still scheduled for the same time
	}
	if !sum.Due.IsZero() {
		if err := tx.Unschedule(sum.ID, sum.Due); err != nil {
			return err
		}
	}
	sum.Due, sum.Embargo = time.Time{}, false
	if e.Action != fielddesk.ActionSchedule {
		return nil
	}
	sum.Due, sum.Embargo = e.Due, e.Embargo
	return tx.Schedule(sum.ID, e.Due)
}

// NextDue is when the next scheduled article is due (ok false: none is).
func (n *Newsroom) NextDue(ctx context.Context) (due time.Time, ok bool, err error) {
	err = n.b.View(ctx, func(tx Tx) error {
		due, ok, err = tx.NextDue()
		return err
	})
	return due, ok, err
}

// ReleaseDue publishes every scheduled article whose time has come (due
// at or before now), each in its own transaction as the server's own
// decision (device "schedule", in the audit log), and returns them. An
// article already published, or scheduled again since, is left: run twice
// (or by two loops, on two instances), it publishes nothing twice.
func (n *Newsroom) ReleaseDue(ctx context.Context, now time.Time) ([]fielddesk.ID, error) {
	var due []fielddesk.ID
	err := n.b.View(ctx, func(tx Tx) error {
		var err error
		due, err = tx.Due(now)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("scheduled articles: %w", err)
	}
	var released []fielddesk.ID
	for _, id := range due {
		if err := ctx.Err(); err != nil {
			return released, err
		}
		n.writeMu.Lock()
		var out fielddesk.Outcome
		err := n.b.Update(ctx, func(tx Tx) error {
			out = fielddesk.Outcome{}
			sum, err := tx.Summary(id)
			if errors.Is(err, fielddesk.ErrNotFound) {
				return nil
			} else if err != nil {
				return err
			}
			if sum.Status != fielddesk.StatusScheduled || sum.Due.IsZero() || sum.Due.After(now) {
				return nil // moved meanwhile
			}
			note := "scheduled for " + sum.Due.Format(time.RFC3339)
			if sum.Embargo {
				note = "embargoed until " + sum.Due.Format(time.RFC3339)
			}
			a := actor{device: "schedule", role: fielddesk.RoleAdmin, trusted: true}
			e := fielddesk.Event{ID: fielddesk.NewID(), Article: id, Kind: fielddesk.EventTransition, Action: fielddesk.ActionRelease,
				Text: note, Revision: sum.Head, At: now}
			out, err = n.applyEvent(tx, a, e)
			return err
		})
		n.writeMu.Unlock()
		if err != nil {
			return released, fmt.Errorf("publish scheduled article %s: %w", id, err)
		}
		if out.Result == fielddesk.ResultApplied {
			released = append(released, id)
		}
	}
	return released, nil
}
