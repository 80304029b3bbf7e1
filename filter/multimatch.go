package filter

// multiMatcher reports which of a fixed set of strings occur in a text, in
// one pass over its bytes (an Aho-Corasick automaton, compiled to a table of
// transitions over the byte classes the strings use). The policy's patterns
// use it to learn, for a whole text part at once, which of them can match.
type multiMatcher struct {
	class   [256]uint16 // byte -> class; 0 for bytes no string uses
	nclass  int
	next    []int32 // state*nclass + class -> state
	outputs [][]int // state -> indexes of the strings that end here
}

// newMultiMatcher compiles strs (empty strings are ignored).
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
	// The trie: -1 marks a missing edge until the automaton is completed.
	newState := func() int32 {
		for c := 0; c < mm.nclass; c++ {
			mm.next = append(mm.next, -1)
		}
		mm.outputs = append(mm.outputs, nil)
		return int32(len(mm.outputs) - 1)
	}
	newState()
	for idx, s := range strs {
		if s == "" {
			continue
		}
		st := int32(0)
		for i := 0; i < len(s); i++ {
			e := int(st)*mm.nclass + int(mm.class[s[i]])
			if mm.next[e] < 0 {
				ns := newState()
				mm.next[e] = ns
			}
			st = mm.next[e]
		}
		mm.outputs[st] = append(mm.outputs[st], idx)
	}
	// Breadth first: failure links, folded into the table so that every
	// state has an edge for every class.
	fail := make([]int32, len(mm.outputs))
	var queue []int32
	for c := 0; c < mm.nclass; c++ {
		if s := mm.next[c]; s < 0 {
			mm.next[c] = 0
		} else {
			fail[s] = 0
			queue = append(queue, s)
		}
	}
	for len(queue) > 0 {
		st := queue[0]
		queue = queue[1:]
		mm.outputs[st] = append(mm.outputs[st], mm.outputs[fail[st]]...)
		for c := 0; c < mm.nclass; c++ {
			e := int(st)*mm.nclass + c
			f := mm.next[int(fail[st])*mm.nclass+c]
			if s := mm.next[e]; s < 0 {
				mm.next[e] = f
			} else {
				fail[s] = f
				queue = append(queue, s)
			}
		}
	}
	return mm
}

// scan calls found for each occurrence's string index (repeats included).
func (mm *multiMatcher) scan(text string, found func(idx int)) {
	st := int32(0)
	for i := 0; i < len(text); i++ {
		st = mm.next[int(st)*mm.nclass+int(mm.class[text[i]])]
		for _, idx := range mm.outputs[st] {
			found(idx)
		}
	}
}
