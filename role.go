package fielddesk

// Role is what a newsroom account may do.
type Role string

// The roles. Correspondents write and send; editors review the articles of
// their desk; admins manage everything, desks and users included.
const (
	RoleCorrespondent Role = "correspondent"
	RoleEditor        Role = "editor"
	RoleAdmin         Role = "admin"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	return r == RoleCorrespondent || r == RoleEditor || r == RoleAdmin
}
