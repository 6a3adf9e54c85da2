// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ConsortiumRegistry} from "../membership/ConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {TestBase} from "../testing/TestBase.sol";
import {ISettlementToken} from "./ISettlementToken.sol";
import {SettlementToken} from "./SettlementToken.sol";

contract SettlementTokenTest is TestBase {
    ConsortiumRegistry internal consortium;
    SettlementToken internal eur;
    address internal bank = address(0xBA);
    address internal opA = address(0xA0);
    address internal opB = address(0xA1);

    function setUp() public {
        address[] memory founders = new address[](3);
        founders[0] = bank;
        founders[1] = opA;
        founders[2] = opB;
        string[] memory names = new string[](3);
        bytes32[][] memory roles = new bytes32[][](3);
        for (uint256 i = 0; i < 3; i++) {
            names[i] = "member";
            roles[i] = new bytes32[](1);
            roles[i][0] = i == 0 ? Roles.SETTLEMENT_BANK : Roles.MOBILE_OPERATOR;
        }
        consortium = new ConsortiumRegistry(founders, names, roles);
        eur = new SettlementToken(consortium, "EUR", 2);
    }

    function testBankMintsOnFiatReceiptAndBurnsOnPayout() public {
        vm.prank(bank);
        eur.mintOnFiatReceipt(opA, 150_00, "receipt-1");
        assertEq(eur.balanceOf(opA), 150_00, "minted to the payer");
        vm.prank(opA);
        eur.transfer(opB, 100_00);
        vm.prank(opB);
        eur.transfer(bank, 100_00);
        vm.prank(bank);
        eur.burnOnPayout(opB, 100_00, "payout-1");
        assertEq(eur.totalSupply(), 50_00, "supply is the fiat still held");
        assertEq(eur.balanceOf(bank), 0, "bank burned what it paid out");
        assertTrue(eur.referenceUsed("receipt-1") && eur.referenceUsed("payout-1"), "references recorded");
        assertEq(eur.decimals(), 2, "minor units");
    }

    function testOnlyASettlementBankMints() public {
        vm.expectRevert(abi.encodeWithSelector(ISettlementToken.NotSettlementBank.selector, opA));
        vm.prank(opA);
        eur.mintOnFiatReceipt(opA, 1, "forged");
    }

    function testOnlyASettlementBankBurns() public {
        vm.prank(bank);
        eur.mintOnFiatReceipt(opA, 10, "receipt-1");
        vm.expectRevert(abi.encodeWithSelector(ISettlementToken.NotSettlementBank.selector, opA));
        vm.prank(opA);
        eur.burnOnPayout(opA, 10, "payout-1");
    }

    function testAFiatReceiptMintsOnce() public {
        vm.prank(bank);
        eur.mintOnFiatReceipt(opA, 10, "receipt-1");
        vm.expectRevert(abi.encodeWithSelector(ISettlementToken.BankReferenceUsed.selector, bytes32("receipt-1")));
        vm.prank(bank);
        eur.mintOnFiatReceipt(opA, 10, "receipt-1");
        assertEq(eur.totalSupply(), 10, "nothing minted twice");
    }

    function testAPayoutBurnsOnce() public {
        vm.prank(bank);
        eur.mintOnFiatReceipt(bank, 20, "receipt-1");
        vm.prank(bank);
        eur.burnOnPayout(opA, 10, "payout-1");
        vm.expectRevert(abi.encodeWithSelector(ISettlementToken.BankReferenceUsed.selector, bytes32("payout-1")));
        vm.prank(bank);
        eur.burnOnPayout(opA, 10, "payout-1");
    }

    function testRejectsEmptyArguments() public {
        vm.expectRevert(abi.encodeWithSelector(ISettlementToken.InvalidSettlementArgument.selector, "amount"));
        vm.prank(bank);
        eur.mintOnFiatReceipt(opA, 0, "receipt-1");
        vm.expectRevert(abi.encodeWithSelector(ISettlementToken.InvalidSettlementArgument.selector, "bankRef"));
        vm.prank(bank);
        eur.mintOnFiatReceipt(opA, 1, bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(ISettlementToken.InvalidSettlementArgument.selector, "member"));
        vm.prank(bank);
        eur.mintOnFiatReceipt(address(0), 1, "receipt-2");
    }

    function testRejectsAMalformedCurrency() public {
        vm.expectRevert(abi.encodeWithSelector(ISettlementToken.InvalidSettlementArgument.selector, "currency"));
        new SettlementToken(consortium, "EURO", 2);
    }
}
