<?php
// PoC
