"""Reading files into Documents: front matter values with their lines, and body sections."""
