package main

import (
	"errors"
	"fmt"

	"github.com/go-gl/glfw/v3.3/glfw"
)

// graphicsProblem tries, before anything else, what the window needs: GLFW
// starts and makes a hidden window with an OpenGL 2.1 context, as Fyne
// will. Old graphics drivers, virtual machines and remote desktops without
// 3D cannot; Fyne then only logs "window creation error" and the app
// neither shows a window nor ends. It returns GLFW's error, or nil when the
// window will open. It runs on the main thread (Fyne locks main to it),
// and leaves GLFW started for Fyne.
func graphicsProblem() error {
	if err := glfw.Init(); err != nil {
		return fmt.Errorf("start the graphics library: %w", err)
	}
	glfw.DefaultWindowHints()
	glfw.WindowHint(glfw.Visible, glfw.False)
	glfw.WindowHint(glfw.ContextVersionMajor, 2)
	glfw.WindowHint(glfw.ContextVersionMinor, 1)
	w, err := glfw.CreateWindow(16, 16, "FieldDesk", nil, nil)
	glfw.DefaultWindowHints()
	if err != nil {
		return fmt.Errorf("make an OpenGL 2.1 window: %w", err)
	}
	if w == nil {
		// A platform error (Windows without an OpenGL driver: "WGL: Failed
		// to set pixel format"): go-gl logs it and returns no error.
		return errors.New("make an OpenGL 2.1 window: the graphics driver made none")
	}
	w.Destroy()
	return nil
}
