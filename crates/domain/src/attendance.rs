//! ATT — attendance (考勤, 迟到与早退, 旷工).
