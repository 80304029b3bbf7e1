package filter

// multiMatcher finds every occurrence of a fixed set of strings in a text,
// in one pass over its bytes: an Aho-Corasick automaton compiled to a table
// of transitions over the byte classes the strings use. The policy's
// lexicon and the obfuscation test use it.
type multiMatcher struct {
	class  [256]uint16 // byte -> class; 0 for bytes no string uses
	nclass int
	// next holds, for each state's row and a class, the next state's row;
	// a state where strings end is stored negated (-row-1).
	next []int32
	// outputs holds, by state number (row / nclass), the indexes of the
	// strings that end there.
	outputs [][]int
}

// mmHit is an occurrence: which string, and the offset just after it.
type mmHit struct {
	idx int
	end int
}

// newMultiMatcher compiles strs (empty strings are never found).
func newMultiMatcher(strs []string) *multiMatcher {
	mm := &multiMatcher{nclass: 1}
	for _, s := range strs {
		for i := 0; i < len(s); i++ {
			if mm.class[s[i]] == 0 {
				mm.class[s[i]] = uint16(mm.nclass)
				mm.nclass++
			}
		}
	}
	// The trie, by state number; -1 marks a missing edge.
	var next []int32
	var out [][]int
	newState := func() int32 {
		for c := 0; c < mm.nclass; c++ {
			next = append(next, -1)
		}
		out = append(out, nil)
		return int32(len(out) - 1)
	}
	newState()
	for idx, s := range strs {
		if s == "" {
			continue
		}
		st := int32(0)
		for i := 0; i < len(s); i++ {
			e := int(st)*mm.nclass + int(mm.class[s[i]])
			if next[e] < 0 {
				ns := newState()
				next[e] = ns
			}
			st = next[e]
		}
		out[st] = append(out[st], idx)
	}
	// Breadth first: failure links, folded into the table so that every
	// state has an edge for every class, and outputs inherited along them.
	fail := make([]int32, len(out))
	var queue []int32
	for c := 0; c < mm.nclass; c++ {
		if s := next[c]; s < 0 {
			next[c] = 0
		} else {
			queue = append(queue, s)
		}
	}
	for len(queue) > 0 {
		st := queue[0]
		queue = queue[1:]
		out[st] = append(out[st], out[fail[st]]...)
		for c := 0; c < mm.nclass; c++ {
			e := int(st)*mm.nclass + c
			f := next[int(fail[st])*mm.nclass+c]
			if s := next[e]; s < 0 {
				next[e] = f
			} else {
				fail[s] = f
				queue = append(queue, s)
			}
		}
	}
	// Rows instead of state numbers, output states marked.
	mm.next = make([]int32, len(next))
	for e, s := range next {
		row := s * int32(mm.nclass)
		if len(out[s]) > 0 {
			mm.next[e] = -row - 1
		} else {
			mm.next[e] = row
		}
	}
	mm.outputs = out
	return mm
}

// find appends to hits every occurrence in text, in order of their ends.
func (mm *multiMatcher) find(text string, hits []mmHit) []mmHit {
	row := int32(0)
	for i := 0; i < len(text); i++ {
		row = mm.next[row+int32(mm.class[text[i]])]
		if row < 0 {
			row = -row - 1
			for _, idx := range mm.outputs[int(row)/mm.nclass] {
				hits = append(hits, mmHit{idx, i + 1})
			}
		}
	}
	return hits
}

// any reports whether text holds one of the strings: find that stops at
// the first.
func (mm *multiMatcher) any(text string) bool {
	row := int32(0)
	for i := 0; i < len(text); i++ {
		if row = mm.next[row+int32(mm.class[text[i]])]; row < 0 {
			return true
		}
	}
	return false
}
