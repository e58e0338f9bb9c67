# Floating-point work whose answer linux/mkinitramfs.sh records with the
# same busybox: a guest whose SSE state another guest changed gets it wrong.
BEGIN {
	s = 0; p = 1; h = 0
	for (i = 1; i <= 5000; i++) {
		s += 1 / (i * i)
		p = p * 1.0001 + i / 3e6
		h += (i % 7) / (i + 0.5)
	}
	printf "%.12f %.12f %.12f\n", s, p, h
}
